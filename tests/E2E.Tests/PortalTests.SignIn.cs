using System.Net.Http.Json;
using System.Text.Json;
using BookingAws.Shared.Domain.Bookings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingAws.E2E.Tests;

/// <summary>
/// A customer signs in to the portal with the code the workers email (read from the local SES server, as it arrived)
/// and manages their bookings there: cancel with the refund consequence shown first, move to another time, book with
/// their address already filled in.
/// </summary>
public sealed partial class PortalTests
{
    private static readonly string SesUrl = Environment.GetEnvironmentVariable("Ses__ServiceUrl") ?? "http://127.0.0.1:58005";

    private static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = 15_000 };

    [Fact]
    public async Task A_guest_who_proved_the_address_signs_in_with_the_emailed_code_then_cancels_one_booking_and_moves_another()
    {
        var business = await platform.CreateBusinessAsync(units: 2);
        using var workers = await platform.StartWorkersAsync(business, "availability", "notifications");
        var email = $"signin-{Guid.NewGuid():N}@example.test";
        var (ten, eleven, noon) = await ThreeSlotsAsync(business);
        var toCancel = await ProvenGuestBookingAsync(business, ten, email);
        var toMove = await ProvenGuestBookingAsync(business, eleven, email);
        await AvailabilityAsync(business, ten[..10], a => Remaining(a, ten) == 1 && Remaining(a, eleven) == 1);

        var page = await platform.NewPageAsync();
        await page.GotoAsync($"/?business={business.Slug}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true }).ClickAsync();
        var signIn = page.GetByTestId("sign-in");
        await Expect(signIn).ToBeVisibleAsync(Soon);
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));

        // Keyboard only: the screen's heading has focus, Tab reaches the address, Enter sends, focus moves to the code.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        var address = page.GetByLabel("Your email address", new() { Exact = true });
        await Expect(address).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(email);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("sign-in-sent")).ToContainTextAsync("We sent you a code", new() { Timeout = 15_000 });
        var codeField = page.GetByLabel("Sign-in code", new() { Exact = true });
        await Expect(codeField).ToBeFocusedAsync();
        var code = await SignInCodeEmailedToAsync(email);

        // A wrong code: the API's words beside the code field, which keeps focus for the next try.
        await page.Keyboard.TypeAsync(code == "000000" ? "111111" : "000000");
        await page.Keyboard.PressAsync("Enter");
        var codeError = page.GetByTestId("sign-in-code-error");
        await Expect(codeError).ToContainTextAsync("not the code we emailed", new() { Timeout = 15_000 });
        await Expect(codeField).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Contains("sign-in-code-error", await codeField.GetAttributeAsync("aria-describedby"), StringComparison.Ordinal);
        await Expect(codeField).ToBeFocusedAsync();
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));

        await codeField.FillAsync(code);
        await page.Keyboard.PressAsync("Enter");
        var mine = page.GetByTestId("my-bookings");
        await Expect(mine).ToBeVisibleAsync(Soon);
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(email);
        var upcoming = page.GetByTestId("upcoming-bookings").GetByTestId("my-booking");
        await Expect(upcoming).ToHaveCountAsync(2, new() { Timeout = 15_000 });
        Assert.Equal([toCancel.ToString(), toMove.ToString()], await upcoming.EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.bookingId)"));
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));

        // Cancel: the consequence for the money is on screen before the customer confirms.
        var first = page.Locator($"[data-testid=my-booking][data-booking-id=\"{toCancel}\"]");
        await first.GetByRole(AriaRole.Button, new() { Name = "Cancel booking" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(first.GetByRole(AriaRole.Heading, new() { Name = "Cancel this booking?" })).ToBeFocusedAsync();
        await Expect(first.GetByTestId("cancel-consequence")).ToHaveTextAsync("This booking is free, so there is nothing to refund.");
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await first.GetByRole(AriaRole.Button, new() { Name = "Yes, cancel" }).ClickAsync();
        await Expect(first).ToHaveAttributeAsync("data-status", "cancelled", new() { Timeout = 15_000 });
        await Expect(first.GetByTestId("my-booking-message")).ToContainTextAsync("Your booking is cancelled");
        await AvailabilityAsync(business, ten[..10], a => Remaining(a, ten) == 2);

        // Move the other one from eleven to noon: its seat leaves eleven and is taken at noon.
        var second = page.Locator($"[data-testid=my-booking][data-booking-id=\"{toMove}\"]");
        await second.GetByRole(AriaRole.Button, new() { Name = "Change time" }).ClickAsync();
        await Expect(second.Locator("[data-testid=slot][data-current=true]")).ToHaveAttributeAsync("data-starts-at", eleven, new() { Timeout = 15_000 });
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await second.Locator($"[data-testid=slot][data-starts-at=\"{noon}\"]").ClickAsync();
        await second.GetByRole(AriaRole.Button, new() { Name = "Move booking" }).ClickAsync();
        await Expect(second.GetByTestId("my-booking-message")).ToContainTextAsync("Your booking is moved to", new() { Timeout = 15_000 });
        await Expect(second.GetByTestId("my-booking-when")).ToContainTextAsync("12:00");
        await AvailabilityAsync(business, ten[..10], a => Remaining(a, eleven) == 2 && Remaining(a, noon) == 1);

        // After a reload the cancelled booking is under past ones; the session is still there.
        await page.ReloadAsync();
        await Expect(page.GetByTestId("past-bookings").Locator($"[data-booking-id=\"{toCancel}\"]")).ToHaveAttributeAsync("data-status", "cancelled", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("upcoming-bookings").GetByTestId("my-booking")).ToHaveCountAsync(1);
        await page.SetViewportSizeAsync(390, 844);
        await PortalFixture.ScreenshotAsync(page, "my-bookings-phone");
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "nothing is wider than a phone");

        // Signing out forgets the session: my bookings asks to sign in again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync($"/?business={business.Slug}#my-bookings");
        await Expect(page.GetByTestId("sign-in")).ToBeVisibleAsync(Soon);
        await PortalFixture.ScreenshotAsync(page, "sign-in-phone");
    }

    [Fact]
    public async Task A_signed_in_customer_books_with_the_address_filled_in_and_needs_no_emailed_code()
    {
        var business = await platform.CreateBusinessAsync(units: 2);
        using var workers = await platform.StartWorkersAsync(business, "availability", "notifications");
        var email = $"regular-{Guid.NewGuid():N}@example.test";
        var (ten, _, _) = await ThreeSlotsAsync(business);

        var page = await platform.NewPageAsync(phone: true);
        await page.GotoAsync($"/?business={business.Slug}#sign-in");
        await page.GetByLabel("Your email address", new() { Exact = true }).FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send code" }).ClickAsync();
        await page.GetByLabel("Sign-in code", new() { Exact = true }).FillAsync(await SignInCodeEmailedToAsync(email));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("no-upcoming")).ToBeVisibleAsync(Soon);

        await page.GetByRole(AriaRole.Link, new() { Name = "Book", Exact = true }).ClickAsync();
        await page.GetByTestId("package").First.ClickAsync();
        await page.Locator($"[data-testid=slot][data-starts-at=\"{ten}\"]").ClickAsync();
        await Expect(page.GetByLabel("Email", new() { Exact = true })).ToHaveValueAsync(email);
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Regular Customer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Book", Exact = true }).ClickAsync();

        // The session went with the booking: the address is theirs and proven, so no code is asked for.
        var confirmed = page.GetByTestId("booking-confirmed");
        await Expect(confirmed).ToBeVisibleAsync(Soon);
        var bookingId = await confirmed.GetAttributeAsync("data-booking-id");

        await page.GetByRole(AriaRole.Link, new() { Name = "My bookings" }).ClickAsync();
        await Expect(page.GetByTestId("upcoming-bookings").Locator($"[data-booking-id=\"{bookingId}\"]")).ToHaveAttributeAsync("data-status", "confirmed", new() { Timeout = 15_000 });

        // A session the API no longer accepts sends the customer back to sign in, saying why.
        await page.EvaluateAsync("key => { const s = JSON.parse(localStorage.getItem(key)); s.accessToken = s.accessToken.slice(0, -4) + 'AAAA'; localStorage.setItem(key, JSON.stringify(s)); }", "bookingaws.customer-session");
        await page.ReloadAsync();
        await Expect(page.GetByTestId("sign-in")).ToContainTextAsync("Your session has ended", new() { Timeout = 15_000 });
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Asking_for_too_many_codes_shows_the_wait_beside_the_code_field_and_holds_the_button()
    {
        var business = await platform.CreateBusinessAsync(units: 1);
        var email = $"eager-{Guid.NewGuid():N}@example.test";
        var page = await platform.NewPageAsync(phone: true);
        await page.GotoAsync($"/?business={business.Slug}#sign-in");
        await page.GetByLabel("Your email address", new() { Exact = true }).FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send code" }).ClickAsync();
        await Expect(page.GetByTestId("sign-in-sent")).ToBeVisibleAsync(Soon);

        // Five codes per address in a quarter of an hour (RateLimits:SignInCodes:PerEmail); the sixth is refused.
        var again = page.GetByRole(AriaRole.Button, new() { Name = "Send a new code" });
        var error = page.GetByTestId("sign-in-code-error");
        for (var sent = 2; sent <= 5; sent++)
        {
            await again.ClickAsync();
            await Expect(again).ToBeEnabledAsync(new() { Timeout = 15_000 });
        }

        await again.ClickAsync();
        await Expect(error).ToContainTextAsync("Too many sign-in codes for this email address", new() { Timeout = 15_000 });
        await Expect(error).ToContainTextAsync("try again in");
        await Expect(again).ToBeDisabledAsync();
        await Expect(again).ToContainTextAsync("wait");
        await Expect(page.GetByLabel("Sign-in code", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
    }

    /// <summary>Ten, eleven and noon the day after tomorrow (UTC, the test business's zone), as the API offers them.</summary>
    private async Task<(string Ten, string Eleven, string Noon)> ThreeSlotsAsync(Business business)
    {
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2).ToString("yyyy-MM-dd");
        string? ten = null, eleven = null, noon = null;
        await AvailabilityAsync(business, day, a =>
        {
            var starts = a.GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("startsAt").GetString()!).ToList();
            ten = starts.FirstOrDefault(s => s.Contains("T10:00", StringComparison.Ordinal));
            eleven = starts.FirstOrDefault(s => s.Contains("T11:00", StringComparison.Ordinal));
            noon = starts.FirstOrDefault(s => s.Contains("T12:00", StringComparison.Ordinal));
            return ten is not null && eleven is not null && noon is not null;
        });
        return (ten!, eleven!, noon!);
    }

    /// <summary>A guest books through the API and enters the code emailed for the booking: confirmed, address proven.</summary>
    private async Task<Guid> ProvenGuestBookingAsync(Business business, string slot, string email)
    {
        var held = await platform.CreateClient().SendAsync(Hold(business, slot, seats: 1, email));
        var booking = JsonDocument.Parse(await held.Content.ReadAsStringAsync()).RootElement;
        Assert.True(held.IsSuccessStatusCode, booking.ToString());
        var id = booking.GetProperty("id").GetGuid();
        var code = platform.Services.GetRequiredService<BookingLinks>().EmailProofCode(id, email);
        var proven = await platform.CreateClient().PostAsync($"/api/v1/bookings/{id}/email-proof", JsonContent.Create(new { code }));
        Assert.True(proven.IsSuccessStatusCode, await proven.Content.ReadAsStringAsync());
        return id;
    }

    /// <summary>The code from the sign-in email as it reached the local SES server: its subject starts with it.</summary>
    private static async Task<string> SignInCodeEmailedToAsync(string email)
    {
        using var ses = new HttpClient { BaseAddress = new Uri(SesUrl), Timeout = TimeSpan.FromSeconds(10) };
        for (var attempt = 0; attempt < 150; attempt++)
        {
            using var store = await ses.GetFromJsonAsync<JsonDocument>("store");
            var subject = store!.RootElement.GetProperty("emails").EnumerateArray()
                .Where(e => e.GetProperty("destination").GetProperty("to").EnumerateArray()
                    .Any(to => string.Equals(to.GetString(), email, StringComparison.OrdinalIgnoreCase)))
                .Select(e => e.GetProperty("subject").GetString() ?? "")
                .LastOrDefault(s => s.Contains("sign-in code", StringComparison.Ordinal));
            if (subject is not null)
            {
                return subject[..6];
            }

            await Task.Delay(200);
        }

        Assert.Fail($"no sign-in email reached {email}");
        return "";
    }
}
