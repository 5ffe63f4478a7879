using System.Text.Json;
using BookingAws.Shared.Domain.Bookings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingAws.E2E.Tests;

/// <summary>The business dashboard, one flow per test, as an owner uses it in the browser.</summary>
public sealed partial class DashboardTests(DashboardFixture platform) : IClassFixture<DashboardFixture>
{
    private static readonly LocatorAssertionsToBeVisibleOptions Loaded = new() { Timeout = 15_000 };

    [Fact]
    public async Task An_owner_signs_in_with_email_and_password_and_a_wrong_password_is_refused()
    {
        var business = await platform.CreateBusinessAsync(units: 2);
        var page = await platform.NewPageAsync();
        await page.GotoAsync("/dashboard/");

        await page.GetByLabel("Email").FillAsync(DashboardFixture.OwnerEmail(business));
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong email or password.", new() { Timeout = 15_000 });
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "sign-in-refused");

        await page.GetByLabel("Password").FillAsync(ApiWithWorkers.OwnerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(DashboardFixture.OwnerEmail(business), new() { Timeout = 15_000 });
        await Expect(page.Locator("#business-name")).ToHaveTextAsync($"Harbour Kayaks {business.Slug[^4..]}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Today" })).ToBeVisibleAsync();

        // Signed in for the session: a reload keeps the owner in; signing out asks for the password again.
        await page.ReloadAsync();
        await Expect(page.GetByTestId("signed-in-as")).ToBeVisibleAsync(Loaded);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("Password")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Today_lists_who_is_coming_per_item_paid_or_not_and_confirms_a_hold_paid_in_person()
    {
        var business = await platform.CreateBusinessAsync(units: 4);
        using var owner = await platform.OwnerClientAsync(business);
        var package = await PaidPackageAsync(owner, business, priceMinor: 2500);
        var tomorrow = DateTime.UtcNow.Date.AddDays(1).ToString("yyyy-MM-dd");
        var ada = await ProvenHoldAsync(business, package, $"{tomorrow}T10:00:00Z", seats: 2, "Ada Lovelace", "ada@example.test");
        var free = await ProvenHoldAsync(business, business.PackageId, $"{tomorrow}T09:00:00Z", seats: 1, "Grace Hopper", "grace@example.test");

        var page = await platform.NewPageAsync();
        await platform.SignInAsync(page, business, $"#/today/{tomorrow}");
        var kayak = page.GetByTestId("item-day").Filter(new() { HasText = "Kayak" });
        await Expect(kayak).ToBeVisibleAsync(Loaded);

        // In time order: the free 09:00 booking first, paid; Ada's 10:00 hold second, not paid, £50.00 due.
        var rows = kayak.GetByTestId("today-booking");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0)).ToContainTextAsync("Grace Hopper");
        await Expect(rows.Nth(0).GetByTestId("paid")).ToHaveTextAsync("Free");
        await Expect(rows.Nth(1)).ToContainTextAsync("Ada Lovelace");
        await Expect(rows.Nth(1)).ToContainTextAsync("10:00–11:00");
        await Expect(rows.Nth(1)).ToContainTextAsync("£50.00");
        await Expect(rows.Nth(1).GetByTestId("paid")).ToHaveTextAsync("Not paid");
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "today");

        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm Ada Lovelace paid in person" }).ClickAsync();
        var adaRow = page.Locator($"[data-testid=today-booking][data-booking-id=\"{ada}\"]");
        await Expect(adaRow).ToHaveAttributeAsync("data-status", "confirmed", new() { Timeout = 15_000 });
        await Expect(adaRow.GetByTestId("paid")).ToHaveTextAsync("Paid");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "paid in person" })).ToBeVisibleAsync();

        var booking = await DashboardFixture.ReadAsync(await owner.GetAsync($"/api/v1/bookings/{ada}"));
        Assert.Equal("confirmed", booking.GetProperty("status").GetString());
        Assert.NotEqual(ada, free);
    }

    [Fact]
    public async Task Today_shows_a_booking_made_elsewhere_without_a_reload()
    {
        var business = await platform.CreateBusinessAsync(units: 2);
        using var workers = await platform.StartWorkersAsync(business);
        var tomorrow = DateTime.UtcNow.Date.AddDays(1).ToString("yyyy-MM-dd");

        var page = await platform.NewPageAsync();
        await platform.SignInAsync(page, business, $"#/today/{tomorrow}");
        await Expect(page.GetByTestId("today-empty")).ToBeVisibleAsync(Loaded);
        await Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 20_000 });

        // A customer books on the portal; the hub tells the open dashboard, which reloads the day.
        await ProvenHoldAsync(business, business.PackageId, $"{tomorrow}T14:00:00Z", seats: 1, "Mae Jemison", "mae@example.test");
        await Expect(page.GetByTestId("today-booking").Filter(new() { HasText = "Mae Jemison" })).ToBeVisibleAsync(new() { Timeout = 20_000 });
    }

    [Fact]
    public async Task Bookings_shows_what_cancelling_would_do_before_the_click_then_cancels()
    {
        var business = await platform.CreateBusinessAsync(units: 2);
        var tomorrow = DateTime.UtcNow.Date.AddDays(1).ToString("yyyy-MM-dd");
        var id = await ProvenHoldAsync(business, business.PackageId, $"{tomorrow}T11:00:00Z", seats: 1, "Alan Turing", "alan@example.test");

        var page = await platform.NewPageAsync(phone: true);
        await platform.SignInAsync(page, business, "#/bookings");
        var row = page.Locator($"[data-testid=booking-row][data-booking-id=\"{id}\"]");
        await Expect(row).ToContainTextAsync("Alan Turing", new() { Timeout = 15_000 });
        await row.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();

        await Expect(page.GetByTestId("cancel-consequence")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("the booking was free"), new() { Timeout = 15_000 });
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "booking-detail-phone");

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel booking" }).ClickAsync();
        await Expect(page.GetByTestId("detail-status")).ToHaveTextAsync("Cancelled", new() { Timeout = 15_000 });
        using var owner = await platform.OwnerClientAsync(business);
        var booking = await DashboardFixture.ReadAsync(await owner.GetAsync($"/api/v1/bookings/{id}"));
        Assert.Equal("cancelled", booking.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Analytics_charts_a_chosen_range_and_exports_it_as_csv()
    {
        var business = await platform.CreateBusinessAsync(units: 2);
        var page = await platform.NewPageAsync();
        await platform.SignInAsync(page, business, "#/analytics");
        await Expect(page.GetByTestId("totals")).ToBeVisibleAsync(Loaded);
        await page.GetByLabel("From", new() { Exact = true }).FillAsync("2026-03-27");
        await page.GetByLabel("To", new() { Exact = true }).FillAsync("2026-03-30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page.GetByTestId("analytics-empty")).ToBeVisibleAsync(Loaded);
        await Expect(page.GetByTestId("total-revenue")).ToHaveTextAsync("£0.00");
        await Expect(page.Locator("canvas#chart-counts")).ToBeVisibleAsync();
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "analytics");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("csv").ClickAsync());
        Assert.Equal("analytics-2026-03-27-to-2026-03-30.csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Equal(
            "date,bookings,seats,revenue,currency,cancellations,booked_minutes\r\n" +
            "2026-03-27,0,0,0.00,GBP,0,0\r\n2026-03-28,0,0,0.00,GBP,0,0\r\n2026-03-29,0,0,0.00,GBP,0,0\r\n2026-03-30,0,0,0.00,GBP,0,0\r\n",
            csv);
    }

    [Fact]
    public async Task Customers_finds_a_customer_and_shows_their_bookings_and_total_spent()
    {
        var business = await platform.CreateBusinessAsync(units: 3);
        using var owner = await platform.OwnerClientAsync(business);
        var package = await PaidPackageAsync(owner, business, priceMinor: 1500);
        var tomorrow = DateTime.UtcNow.Date.AddDays(1).ToString("yyyy-MM-dd");
        var paid = await ProvenHoldAsync(business, package, $"{tomorrow}T13:00:00Z", seats: 2, "Katherine Johnson", "katherine@example.test");
        (await owner.PostAsync($"/api/v1/tenants/{business.Slug}/bookings/{paid}/confirm", null)).EnsureSuccessStatusCode();
        await ProvenHoldAsync(business, package, $"{tomorrow}T15:00:00Z", seats: 1, "Katherine Johnson", "katherine@example.test");
        await ProvenHoldAsync(business, business.PackageId, $"{tomorrow}T09:00:00Z", seats: 1, "Dorothy Vaughan", "dorothy@example.test");

        var page = await platform.NewPageAsync(phone: true);
        await platform.SignInAsync(page, business, "#/customers");
        await Expect(page.GetByTestId("customer")).ToHaveCountAsync(2, new() { Timeout = 15_000 });
        await page.GetByLabel("Name or email").FillAsync("kather");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByTestId("customer")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Link, new() { Name = "Katherine Johnson" }).ClickAsync();

        // Two bookings; only the one paid in person counts as spent (the other is an unpaid hold).
        await Expect(page.GetByTestId("history-booking")).ToHaveCountAsync(2, new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("total-spent")).ToHaveTextAsync("£30.00");
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "customer-phone");
    }

    [Fact]
    public async Task The_policy_editor_shows_the_apis_error_next_to_the_field_and_saves_a_valid_policy()
    {
        var business = await platform.CreateBusinessAsync(units: 1);
        var page = await platform.NewPageAsync();
        await platform.SignInAsync(page, business, "#/policy");

        var horizon = page.GetByLabel("Bookable days ahead");
        await horizon.FillAsync("0", new() { Timeout = 15_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save policy" }).ClickAsync();
        await Expect(page.Locator("#horizonDays-error")).ToBeVisibleAsync(Loaded);
        await Expect(horizon).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(horizon).ToBeFocusedAsync();
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "policy-error");

        await horizon.FillAsync("120");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save policy" }).ClickAsync();
        await Expect(page.GetByTestId("policy-saved")).ToContainTextAsync("Saved", new() { Timeout = 15_000 });
        await Expect(page.Locator("#horizonDays-error")).ToBeHiddenAsync();
        using var owner = await platform.OwnerClientAsync(business);
        var policy = await DashboardFixture.ReadAsync(await owner.GetAsync($"/api/v1/tenants/{business.Slug}/policy"));
        Assert.Equal(120, policy.GetProperty("horizonDays").GetInt32());
    }

    [Fact]
    public async Task The_keyboard_reaches_every_view_from_the_navigation()
    {
        var business = await platform.CreateBusinessAsync(units: 1);
        var page = await platform.NewPageAsync();
        await platform.SignInAsync(page, business);
        await page.ReloadAsync();
        await Expect(page.GetByTestId("signed-in-as")).ToBeVisibleAsync(Loaded);

        // Skip link first, then the views in order: each opens with Enter and is marked as the current page.
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        foreach (var view in new[] { "Today", "Calendar", "Bookings", "Customers", "Analytics" })
        {
            await page.Keyboard.PressAsync("Tab");
            var link = page.GetByRole(AriaRole.Link, new() { Name = view, Exact = true });
            await Expect(link).ToBeFocusedAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(link).ToHaveAttributeAsync("aria-current", "page");
            var heading = page.GetByRole(AriaRole.Heading, new() { Name = view, Level = 1 });
            await Expect(heading).ToBeVisibleAsync(Loaded);

            // The view moves focus to its heading once its data is in (as a page load would); back to the menu only
            // after that, or the late move takes focus from the menu and the next Tab lands in the view.
            await Expect(heading).ToBeFocusedAsync(new() { Timeout = 15_000 });
            await link.FocusAsync();
        }
    }

    private async Task<Guid> PaidPackageAsync(HttpClient owner, Business business, long priceMinor)
    {
        var items = await DashboardFixture.ReadAsync(await owner.GetAsync($"/api/v1/tenants/{business.Slug}/inventory"));
        var created = await DashboardFixture.ReadAsync(await DashboardFixture.PostJsonAsync(owner, $"/api/v1/tenants/{business.Slug}/packages", new
        {
            name = "Sea kayak lesson",
            durationMinutes = 60,
            priceMinor,
            maxSeats = 3,
            inventory = new[] { new { inventoryItemId = items[0].GetProperty("id").GetGuid(), units = 1, perSeat = true } },
        }));
        return created.GetProperty("id").GetGuid();
    }

    /// <summary>A guest's hold whose email is proven (as the customer would by typing the emailed code).</summary>
    private async Task<Guid> ProvenHoldAsync(Business business, Guid packageId, string startsAt, int seats, string name, string email)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/tenants/{business.Slug}/bookings")
        {
            Content = JsonContent(new { packageId, startsAt, seats, customer = new { name, email } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var held = await DashboardFixture.ReadAsync(await platform.CreateClient().SendAsync(request));
        var id = held.GetProperty("id").GetGuid();
        var code = platform.Services.GetRequiredService<BookingLinks>().EmailProofCode(id, email);
        await DashboardFixture.ReadAsync(await DashboardFixture.PostJsonAsync(platform.CreateClient(), $"/api/v1/bookings/{id}/email-proof", new { code }));
        return id;
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), System.Text.Encoding.UTF8, "application/json");
}
