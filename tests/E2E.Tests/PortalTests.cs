using System.Net.Http.Json;
using System.Text.Json;
using BookingAws.Shared.Domain.Bookings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingAws.E2E.Tests;

public sealed partial class PortalTests(PortalFixture platform) : IClassFixture<PortalFixture>
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Live = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_customer_sees_another_booking_take_seats_live_then_books_the_rest_of_the_slot()
    {
        var business = await platform.CreateBusinessAsync(units: 3);
        using var workers = await platform.StartWorkersAsync(business);
        var slot = await TomorrowAtTenAsync(business);

        var page = await platform.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = platform.BaseAddress.ToString() });
        await page.GotoAsync($"/?business={business.Slug}");
        await Expect(page.GetByTestId("live-status")).ToHaveTextAsync("live", new() { Timeout = 20_000 });
        await page.GetByTestId("package").First.ClickAsync();
        var slotButton = page.Locator($"[data-testid=slot][data-starts-at=\"{slot}\"]");
        await Expect(slotButton).ToHaveAttributeAsync("data-remaining", "3");

        // Someone else books one seat of that slot; the open page learns of it without a reload.
        var other = await platform.CreateClient().SendAsync(Hold(business, slot, seats: 1, "other@example.test"));
        Assert.True(other.IsSuccessStatusCode, await other.Content.ReadAsStringAsync());
        await Expect(slotButton).ToHaveAttributeAsync("data-remaining", "2", Live);

        // Book the two seats that are left from the page.
        await slotButton.ClickAsync();
        await page.GetByLabel("Seats").FillAsync("2");
        await page.GetByLabel("Name").FillAsync("Ada Lovelace");
        await page.GetByLabel("Email").FillAsync("ada@example.test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Book", Exact = true }).ClickAsync();

        // A guest proves the address first: the page asks for the code emailed to it (derived as the workers derive it).
        var awaiting = page.GetByTestId("booking-awaiting-code");
        await Expect(awaiting).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var heldId = Guid.Parse((await awaiting.GetAttributeAsync("data-booking-id"))!);
        var code = platform.Services.GetRequiredService<BookingLinks>().EmailProofCode(heldId, "ada@example.test");
        var wrong = code == "000000" ? "111111" : "000000";
        await page.GetByLabel("Code from the email").FillAsync(wrong);
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm booking" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not the code", new() { Timeout = 15_000 });
        await page.GetByLabel("Code from the email").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm booking" }).ClickAsync();

        var confirmed = page.GetByTestId("booking-confirmed");
        await Expect(confirmed).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var bookingId = await confirmed.GetAttributeAsync("data-booking-id");
        Assert.True(Guid.TryParse(bookingId, out _), $"the confirmation names the booking (got '{bookingId}')");

        // The slot is now full, in the API and on the page.
        await AvailabilityAsync(business, slot[..10], a => Remaining(a, slot) == 0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Book another" }).ClickAsync();
        await Expect(slotButton).ToHaveAttributeAsync("data-remaining", "0", Live);
        await Expect(slotButton).ToBeDisabledAsync();
    }

    [Fact]
    public async Task A_full_slot_booked_from_a_stale_page_shows_the_conflict_and_keeps_the_form()
    {
        var business = await platform.CreateBusinessAsync(units: 1);
        var slot = await TomorrowAtTenAsync(business);

        // No workers here: the page cannot hear about the other booking and still offers the slot.
        var page = await platform.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = platform.BaseAddress.ToString() });
        await page.GotoAsync($"/?business={business.Slug}");
        await page.GetByTestId("package").First.ClickAsync();
        var slotButton = page.Locator($"[data-testid=slot][data-starts-at=\"{slot}\"]");
        await Expect(slotButton).ToHaveAttributeAsync("data-remaining", "1");
        await slotButton.ClickAsync();

        var other = await platform.CreateClient().SendAsync(Hold(business, slot, seats: 1, "first@example.test"));
        Assert.True(other.IsSuccessStatusCode, await other.Content.ReadAsStringAsync());

        await page.GetByLabel("Name").FillAsync("Late Comer");
        await page.GetByLabel("Email").FillAsync("late@example.test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Book", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Not enough left", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("booking-confirmed")).ToHaveCountAsync(0);
        await Expect(page.GetByLabel("Email")).ToHaveValueAsync("late@example.test");
    }

    [Fact]
    public async Task A_guest_opens_the_emailed_link_moves_the_booking_then_cancels_it()
    {
        var business = await platform.CreateBusinessAsync(units: 2);
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2).ToString("yyyy-MM-dd");
        string? ten = null, noon = null;
        await AvailabilityAsync(business, tomorrow, a =>
        {
            var starts = a.GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("startsAt").GetString()!).ToList();
            ten = starts.FirstOrDefault(s => s.Contains("T10:00", StringComparison.Ordinal));
            noon = starts.FirstOrDefault(s => s.Contains("T12:00", StringComparison.Ordinal));
            return ten is not null && noon is not null;
        });
        var held = await platform.CreateClient().SendAsync(Hold(business, ten!, seats: 1, "guest@example.test"));
        var booking = JsonDocument.Parse(await held.Content.ReadAsStringAsync()).RootElement;
        Assert.True(held.IsSuccessStatusCode, booking.ToString());
        var bookingId = booking.GetProperty("id").GetGuid();
        var code = platform.Services.GetRequiredService<BookingLinks>().EmailProofCode(bookingId, "guest@example.test");
        var proven = await platform.CreateClient().PostAsync(
            $"/api/v1/bookings/{bookingId}/email-proof", JsonContent.Create(new { code }));
        Assert.True(proven.IsSuccessStatusCode, await proven.Content.ReadAsStringAsync());

        // The link exactly as the workers put it in the confirmation email (same key, same builder).
        var link = new Uri(platform.Services.GetRequiredService<BookingLinks>().ManageUrl(business.Slug, bookingId));
        var page = await platform.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = platform.BaseAddress.ToString() });
        await page.GotoAsync(link.PathAndQuery + link.Fragment);
        var manage = page.GetByTestId("manage-booking");
        await Expect(manage).ToHaveAttributeAsync("data-status", "confirmed", new() { Timeout = 15_000 });
        await Expect(manage).ToHaveAttributeAsync("data-booking-id", bookingId.ToString());
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Change time" }).ClickAsync();
        await page.Locator($"[data-testid=slot][data-starts-at=\"{noon}\"]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Move booking" }).ClickAsync();
        await Expect(page.GetByTestId("manage-message")).ToContainTextAsync("Your booking is moved to", new() { Timeout = 15_000 });

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel booking" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, cancel" }).ClickAsync();
        await Expect(manage).ToHaveAttributeAsync("data-status", "cancelled", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("manage-message")).ToContainTextAsync("Your booking is cancelled");

        // The API agrees: the booking was moved to noon, then cancelled.
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/bookings/{bookingId}/manage");
        request.Headers.Add("X-Booking-Token", platform.Services.GetRequiredService<BookingLinks>().TokenFor(bookingId));
        var final = JsonDocument.Parse(await (await platform.CreateClient().SendAsync(request)).Content.ReadAsStringAsync()).RootElement.GetProperty("booking");
        Assert.Equal("cancelled", final.GetProperty("status").GetString());
        Assert.Equal(DateTimeOffset.Parse(noon!, System.Globalization.CultureInfo.InvariantCulture), final.GetProperty("startsAt").GetDateTimeOffset());

        // A tampered link shows the page's not-valid message, not someone's booking.
        var tampered = await platform.Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = platform.BaseAddress.ToString() });
        await tampered.GotoAsync(link.PathAndQuery + link.Fragment[..^3] + "abc");
        await Expect(tampered.GetByRole(AriaRole.Alert)).ToContainTextAsync("This link is not valid", new() { Timeout = 15_000 });
    }

    private async Task<string> TomorrowAtTenAsync(Business business)
    {
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1).ToString("yyyy-MM-dd");
        string? slot = null;
        await AvailabilityAsync(business, tomorrow, a =>
        {
            slot = a.GetProperty("slots").EnumerateArray()
                .Select(s => s.GetProperty("startsAt").GetString()!)
                .FirstOrDefault(s => s.Contains("T10:00", StringComparison.Ordinal));
            return slot is not null;
        });
        return slot!;
    }

    private static int Remaining(JsonElement availability, string slot) =>
        availability.GetProperty("slots").EnumerateArray().Single(s => s.GetProperty("startsAt").GetString() == slot).GetProperty("remainingSeats").GetInt32();

    /// <summary>Anonymous reads come from the replica, which may be a moment behind the writes just made:
    /// asks until <paramref name="until"/> holds, for up to 10 s.</summary>
    private async Task AvailabilityAsync(Business business, string date, Func<JsonElement, bool> until, Guid? packageId = null)
    {
        var url = $"/api/v1/tenants/{business.Slug}/packages/{packageId ?? business.PackageId}/availability?from={date}&to={date}";
        string last = "";
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var response = await platform.CreateClient().GetAsync(url);
            last = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode && until(JsonDocument.Parse(last).RootElement))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"availability never reached the expected state; last answer: {last}");
    }

    private static HttpRequestMessage Hold(Business business, string slot, int seats, string email)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/tenants/{business.Slug}/bookings")
        {
            Content = JsonContent.Create(new { packageId = business.PackageId, startsAt = slot, seats, customer = new { name = "Other", email } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return request;
    }
}
