using System.Net.Http.Json;
using System.Text.Json;
using BookingAws.Shared.Domain.Bookings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingAws.E2E.Tests;

/// <summary>
/// A full slot is not a dead end: the customer joins its waiting list, sees their place and how an offer works, and
/// the seat that comes free is offered to them by email through the workers. A meeting room says what is left in rooms.
/// </summary>
public sealed partial class PortalTests
{
    private static readonly string PortalScreenshots = Path.Combine(PortalFixture.Root, ".platform", "test-results", "portal-screenshots");

    [Fact]
    public async Task A_customer_joins_the_waiting_list_of_a_full_slot_and_is_emailed_the_seat_that_frees()
    {
        var business = await platform.CreateBusinessAsync(units: 1);
        using var workers = await platform.StartWorkersAsync(business, "availability", "notifications");
        var slot = await TomorrowAtTenAsync(business);
        var other = await platform.CreateClient().SendAsync(Hold(business, slot, seats: 1, $"other-{Guid.NewGuid():N}@example.test"));
        var taken = JsonDocument.Parse(await other.Content.ReadAsStringAsync()).RootElement;
        Assert.True(other.IsSuccessStatusCode, taken.ToString());
        await AvailabilityAsync(business, slot[..10], a => Remaining(a, slot) == 0);

        var page = await PhoneAsync();
        await page.GotoAsync($"/?business={business.Slug}");
        await page.GetByTestId("package").First.ClickAsync();
        var slotButton = page.Locator($"[data-testid=slot][data-starts-at=\"{slot}\"]");
        await Expect(slotButton).ToContainTextAsync("Full", new() { Timeout = 15_000 });
        await Expect(slotButton).ToBeDisabledAsync();

        // The full slot offers its waiting list instead, by keyboard too.
        await page.Locator($"[data-testid=join-waitlist][data-starts-at=\"{slot}\"]").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Join the waiting list" })).ToBeFocusedAsync();
        var form = page.GetByTestId("waitlist-form");
        var email = $"waiter-{Guid.NewGuid():N}@example.test";
        await form.GetByLabel("Name").FillAsync("Grace Hopper");
        await form.GetByLabel("Email").FillAsync(email);
        await AxeCleanAsync(page);
        await form.GetByRole(AriaRole.Button, new() { Name = "Join waiting list" }).ClickAsync();

        var joined = page.GetByTestId("waitlist-joined");
        await Expect(joined).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(joined).ToContainTextAsync("You are first in line.");
        await Expect(joined).ToContainTextAsync($"we hold it for 30 minutes and email {email} a link to book it");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You're on the waiting list" })).ToBeFocusedAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Leave the waiting list" })).ToBeVisibleAsync();
        await AxeCleanAsync(page);
        await page.ScreenshotAsync(new() { Path = Path.Combine(PortalScreenshots, "waitlist-joined-phone.png"), FullPage = true });
        var entryId = Guid.Parse((await joined.GetAttributeAsync("data-entry-id"))!);

        // The business cancels the booking ahead: the freed seat is held for Grace, and the workers email her the offer.
        using var owner = await platform.OwnerClientAsync(business);
        var cancelled = await owner.PostAsJsonAsync($"/api/v1/bookings/{taken.GetProperty("id").GetGuid()}/cancel", new { reason = "Plans changed" });
        Assert.True(cancelled.IsSuccessStatusCode, await cancelled.Content.ReadAsStringAsync());
        var offer = await SesInbox.WaitForAsync(email, e => e.GetProperty("subject").GetString()!.StartsWith("A place came free", StringComparison.Ordinal));

        var links = platform.Services.GetRequiredService<BookingLinks>();
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/waitlist/{entryId}");
        read.Headers.Add("X-Waitlist-Token", links.TokenFor(entryId));
        var entry = JsonDocument.Parse(await (await platform.CreateClient().SendAsync(read)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("offered", entry.GetProperty("status").GetString());
        var offered = entry.GetProperty("bookingId").GetGuid();
        var text = offer.GetProperty("body").GetProperty("text").GetString()!;
        Assert.Contains($"booking={offered:D}", text, StringComparison.Ordinal);
        Assert.Contains($"enter the code {links.EmailProofCode(offered, email)}", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_meeting_room_says_rooms_left_not_people_and_a_full_hour_can_be_joined_and_left()
    {
        var business = await platform.CreateBusinessAsync(units: 1);
        using var owner = await platform.OwnerClientAsync(business);
        var room = await ReadJsonAsync(await owner.PostAsJsonAsync($"/api/v1/tenants/{business.Slug}/inventory", new { name = "Meeting room", quantity = 2 }));
        var hire = (await ReadJsonAsync(await owner.PostAsJsonAsync($"/api/v1/tenants/{business.Slug}/packages", new
        {
            name = "Meeting room hire",
            durationMinutes = 60,
            priceMinor = 0,
            maxSeats = 8,
            inventory = new[] { new { inventoryItemId = room.GetProperty("id").GetGuid(), units = 1, perSeat = false } },
        }))).GetProperty("id").GetGuid();
        var ten = await TomorrowAtTenAsync(business);
        var eleven = ten.Replace("T10:00", "T11:00", StringComparison.Ordinal);
        foreach (var (start, seats) in new[] { (ten, 6), (eleven, 2), (eleven, 8) })
        {
            var held = await platform.CreateClient().SendAsync(HoldOf(business, hire, start, seats));
            Assert.True(held.IsSuccessStatusCode, await held.Content.ReadAsStringAsync());
        }

        await AvailabilityAsync(business, ten[..10], a => Slot(a, ten).GetProperty("remainingBookings").GetInt32() == 1 && Remaining(a, eleven) == 0, hire);

        var page = await PhoneAsync();
        await page.GotoAsync($"/?business={business.Slug}");
        await page.GetByTestId("package").Filter(new() { HasText = "Meeting room hire" }).ClickAsync();

        // Six people took one of the two rooms at ten: one room is left (for up to eight), not "2 left" seats.
        var tenButton = page.Locator($"[data-testid=slot][data-starts-at=\"{ten}\"]");
        await Expect(tenButton).ToContainTextAsync("1 room left", new() { Timeout = 15_000 });
        await Expect(page.Locator($"[data-testid=slot][data-starts-at=\"{ten.Replace("T10:00", "T12:00", StringComparison.Ordinal)}\"]")).ToContainTextAsync("2 rooms left");
        await Expect(page.Locator($"[data-testid=slot][data-starts-at=\"{eleven}\"]")).ToContainTextAsync("Full");
        await tenButton.ClickAsync();
        await Expect(page.Locator("#seats-hint")).ToHaveTextAsync("1 to 8 people per booking.");
        await AxeCleanAsync(page);
        await page.ScreenshotAsync(new() { Path = Path.Combine(PortalScreenshots, "meeting-room-phone.png"), FullPage = true });

        // Both rooms are taken at eleven: join its waiting list (the booking form gives way), then leave it again.
        await page.Locator($"[data-testid=join-waitlist][data-starts-at=\"{eleven}\"]").ClickAsync();
        await Expect(page.Locator("#booking-section")).ToBeHiddenAsync();
        var form = page.GetByTestId("waitlist-form");
        await form.GetByLabel("Seats").FillAsync("4");
        await form.GetByLabel("Name").FillAsync("Ada Lovelace");
        await form.GetByLabel("Email").FillAsync($"ada-{Guid.NewGuid():N}@example.test");
        await form.GetByRole(AriaRole.Button, new() { Name = "Join waiting list" }).ClickAsync();
        var joined = page.GetByTestId("waitlist-joined");
        await Expect(joined).ToContainTextAsync("You are first in line.", new() { Timeout = 15_000 });
        await Expect(joined).ToContainTextAsync("4 seats");
        var entryId = Guid.Parse((await joined.GetAttributeAsync("data-entry-id"))!);

        await page.GetByRole(AriaRole.Button, new() { Name = "Leave the waiting list" }).ClickAsync();
        await Expect(page.GetByTestId("waitlist-left")).ToContainTextAsync("You are no longer waiting for Meeting room hire", new() { Timeout = 15_000 });
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/waitlist/{entryId}");
        read.Headers.Add("X-Waitlist-Token", platform.Services.GetRequiredService<BookingLinks>().TokenFor(entryId));
        var entry = JsonDocument.Parse(await (await platform.CreateClient().SendAsync(read)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("left", entry.GetProperty("status").GetString());
        await AxeCleanAsync(page);
    }

    /// <summary>
    /// axe-core finds nothing, once the times are not mid-refresh (dimmed while a refetch is under way) and no colour
    /// transition is half-way (a button just pressed).
    /// </summary>
    private static async Task AxeCleanAsync(IPage page)
    {
        await Expect(page.Locator("#days[aria-busy]")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await page.EvaluateAsync("() => Promise.all(document.getAnimations().map(a => a.finished))");
        var violations = await DashboardFixture.AxeViolationsAsync(page);
        if (violations.Length > 0)
        {
            var nodes = await page.EvaluateAsync<string[]>(
                "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations.flatMap(v => v.nodes.map(n => `${v.id}: ${n.target} ${n.failureSummary}`))");
            Assert.Fail(string.Join(Environment.NewLine, [.. violations, .. nodes]));
        }
    }

    private Task<IPage> PhoneAsync() => platform.Browser.NewPageAsync(new BrowserNewPageOptions
    {
        BaseURL = platform.BaseAddress.ToString(),
        Locale = "en-GB",
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
    });

    private static JsonElement Slot(JsonElement availability, string slot) =>
        availability.GetProperty("slots").EnumerateArray().Single(s => s.GetProperty("startsAt").GetString() == slot);

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static HttpRequestMessage HoldOf(Business business, Guid packageId, string slot, int seats)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/tenants/{business.Slug}/bookings")
        {
            Content = JsonContent.Create(new { packageId, startsAt = slot, seats, customer = new { name = "Other", email = $"other-{Guid.NewGuid():N}@example.test" } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return request;
    }
}
