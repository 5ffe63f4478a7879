using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingAws.E2E.Tests;

/// <summary>The calendar: a business in London, on the days its clocks change.</summary>
public sealed partial class DashboardTests
{
    // Europe/London in 2027: clocks go forward on 28 March (a 23-hour day) and back on 31 October (25 hours).
    private const string SpringForward = "2027-03-28";
    private const string FallBack = "2027-10-31";

    [Fact]
    public async Task Calendar_day_has_23_hours_when_the_clocks_go_forward_and_shows_a_new_booking_live()
    {
        var business = await LondonBusinessAsync();
        using var workers = await platform.StartWorkersAsync(business);
        // 09:00 UTC is 10:00 on the London clock once summer time has begun.
        await ProvenHoldAsync(business, business.PackageId, $"{SpringForward}T09:00:00Z", seats: 1, "Ada Lovelace", "ada@example.test");

        var page = await platform.NewPageAsync();
        await platform.SignInAsync(page, business, $"#/calendar/day/{SpringForward}");
        var hours = page.GetByTestId("calendar-hour");
        await Expect(hours.First).ToBeVisibleAsync(Loaded);
        await Expect(hours).ToHaveCountAsync(23);
        await Expect(hours.Nth(0).Locator("th")).ToHaveTextAsync("00:00");
        await Expect(hours.Nth(1).Locator("th")).ToHaveTextAsync("02:00");
        await Expect(page.GetByTestId("calendar-summary")).ToContainTextAsync("it has 23 hours");
        var ten = hours.Filter(new() { Has = page.Locator("th", new() { HasTextString = "10:00" }) });
        await Expect(ten.GetByTestId("calendar-booking")).ToContainTextAsync("10:00–11:00 Ada Lovelace");
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "calendar-day-spring-forward");

        // A customer books 13:00 on the portal; the open calendar shows it without a reload.
        await Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 20_000 });
        await ProvenHoldAsync(business, business.PackageId, $"{SpringForward}T12:00:00Z", seats: 1, "Mae Jemison", "mae@example.test");
        var one = hours.Filter(new() { Has = page.Locator("th", new() { HasTextString = "13:00" }) });
        await Expect(one.GetByTestId("calendar-booking")).ToContainTextAsync("13:00–14:00 Mae Jemison", new() { Timeout = 20_000 });
    }

    [Fact]
    public async Task Calendar_day_has_25_hours_when_the_clocks_go_back_and_the_week_view_fits_a_phone()
    {
        var business = await LondonBusinessAsync();
        await ProvenHoldAsync(business, business.PackageId, $"{FallBack}T10:00:00Z", seats: 2, "Grace Hopper", "grace@example.test");
        await ProvenHoldAsync(business, business.PackageId, $"{SpringForward}T09:00:00Z", seats: 1, "Ada Lovelace", "ada@example.test");

        var page = await platform.NewPageAsync();
        await platform.SignInAsync(page, business, $"#/calendar/day/{FallBack}");
        var hours = page.GetByTestId("calendar-hour");
        await Expect(hours.First).ToBeVisibleAsync(Loaded);
        await Expect(hours).ToHaveCountAsync(25);
        // The hour from 01:00 is lived twice: first in summer time, then in GMT.
        await Expect(hours.Nth(1).Locator("th")).ToHaveTextAsync("01:00 BST");
        await Expect(hours.Nth(2).Locator("th")).ToHaveTextAsync("01:00 GMT");
        var ten = hours.Filter(new() { Has = page.Locator("th", new() { HasTextString = "10:00" }) });
        await Expect(ten.GetByTestId("calendar-booking")).ToContainTextAsync("10:00–11:00 Grace Hopper");
        await Expect(ten).ToContainTextAsync("Up to 2 of 2 in use");
        await DashboardFixture.ScreenshotAsync(page, "calendar-day-fall-back");

        var phone = await platform.NewPageAsync(phone: true);
        await platform.SignInAsync(phone, business, $"#/calendar/week/{SpringForward}");
        await Expect(phone.GetByTestId("calendar-range")).ToHaveTextAsync("22 Mar 2027 – 28 Mar 2027", new() { Timeout = 15_000 });
        var sunday = phone.Locator($"[data-testid=calendar-cell][data-date=\"{SpringForward}\"]");
        await Expect(sunday.GetByTestId("calendar-booking")).ToContainTextAsync("10:00–11:00 Ada Lovelace", new() { Timeout = 15_000 });
        Assert.True(await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"), "the page scrolls sideways at phone width");
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(phone));
        await DashboardFixture.ScreenshotAsync(phone, "calendar-week-phone");

        // The week's day opens its hour-by-hour view.
        await phone.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("28 March 2027, hour by hour") }).ClickAsync();
        await Expect(phone.GetByTestId("calendar-hour")).ToHaveCountAsync(23, new() { Timeout = 15_000 });
    }

    /// <summary>A test business moved to London, booking far enough ahead to reach both of 2027's clock changes.</summary>
    private async Task<Business> LondonBusinessAsync()
    {
        var business = await platform.CreateBusinessAsync(units: 2);
        using var owner = await platform.OwnerClientAsync(business);
        var tenantUrl = $"/api/v1/tenants/{business.Slug}";
        var tenant = await DashboardFixture.ReadAsync(await owner.GetAsync(tenantUrl));
        (await owner.PutAsJsonAsync(tenantUrl, new { name = tenant.GetProperty("name").GetString(), timeZone = "Europe/London", stripeAccountId = (string?)null }))
            .EnsureSuccessStatusCode();
        var policy = JsonNode.Parse((await DashboardFixture.ReadAsync(await owner.GetAsync($"{tenantUrl}/policy"))).GetRawText())!;
        policy["horizonDays"] = 400;
        (await owner.PutAsJsonAsync($"{tenantUrl}/policy", policy)).EnsureSuccessStatusCode();
        return business;
    }
}
