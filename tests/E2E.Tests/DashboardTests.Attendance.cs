using System.Globalization;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NodaTime;
using static Microsoft.Playwright.Assertions;

namespace BookingAws.E2E.Tests;

/// <summary>The Today view on the day: staff mark who came, at phone width, with the keyboard, and see others' marks live.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task Today_marks_who_came_with_the_keyboard_and_shows_a_mark_made_elsewhere_without_a_reload()
    {
        var business = await platform.CreateBusinessAsync(units: 4);
        using var workers = await platform.StartWorkersAsync(business);
        using var owner = await platform.OwnerClientAsync(business);
        var tomorrow = DateTime.UtcNow.Date.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var ada = await ProvenHoldAsync(business, business.PackageId, $"{tomorrow}T10:00:00Z", seats: 1, "Ada Lovelace", "ada@example.test");
        var grace = await ProvenHoldAsync(business, business.PackageId, $"{tomorrow}T12:00:00Z", seats: 1, "Grace Hopper", "grace@example.test");

        // The day comes (the business keeps UTC): Ada is due in 20 minutes, Grace's booking began 20 minutes ago.
        var now = DateTimeOffset.UtcNow;
        await StartsAtAsync(ada, now.AddMinutes(20));
        await StartsAtAsync(grace, now.AddMinutes(-20));
        var today = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await UntilListedAsync(owner, business, today, 2);

        var page = await platform.NewPageAsync(phone: true);
        await platform.SignInAsync(page, business, $"#/today/{today}");
        var adaRow = page.Locator($"[data-testid=today-booking][data-booking-id=\"{ada}\"]");
        var graceRow = page.Locator($"[data-testid=today-booking][data-booking-id=\"{grace}\"]");
        await Expect(adaRow.GetByTestId("attendance")).ToHaveTextAsync("Expected", new() { Timeout = 15_000 });

        // Ada has not started: she can be checked in, not yet called a no-show, and the row says from when.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Ada Lovelace no-show" })).ToBeDisabledAsync();
        await Expect(adaRow).ToContainTextAsync("No-show from");

        var checkIn = page.GetByRole(AriaRole.Button, new() { Name = "Ada Lovelace checked in" });
        await checkIn.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(adaRow).ToHaveAttributeAsync("data-attendance", "checked-in", new() { Timeout = 15_000 });
        await Expect(checkIn).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(checkIn).ToBeFocusedAsync();
        await Expect(adaRow.GetByTestId("attendance")).ToContainTextAsync("Checked in");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Ada Lovelace: checked in." })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Grace Hopper no-show" }).ClickAsync();
        await Expect(graceRow).ToHaveAttributeAsync("data-attendance", "no-show", new() { Timeout = 15_000 });
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "today-attendance-phone");

        // Pressed again, a mark is undone.
        await checkIn.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(adaRow).ToHaveAttributeAsync("data-attendance", "expected", new() { Timeout = 15_000 });
        await Expect(checkIn).ToHaveAttributeAsync("aria-pressed", "false");

        // A colleague checks Ada in at the door on their own device: the open view follows without a reload.
        await Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 20_000 });
        await DashboardFixture.ReadAsync(await DashboardFixture.PostJsonAsync(owner, $"/api/v1/bookings/{ada}/attendance", new { status = "checked-in" }));
        await Expect(adaRow).ToHaveAttributeAsync("data-attendance", "checked-in", new() { Timeout = 20_000 });

        var stored = await DashboardFixture.ReadAsync(await owner.GetAsync($"/api/v1/bookings/{grace}"));
        Assert.Equal(BookingAttendance.NoShow, stored.GetProperty("attendance").GetString());
    }

    /// <summary>Time passes: the booking now starts at <paramref name="start"/> (for an hour), as if the day had come.</summary>
    private async Task StartsAtAsync(Guid bookingId, DateTimeOffset start)
    {
        await using var scope = platform.Services.CreateAsyncScope();
        using var rowScope = DatabaseScope.System("test setup: the day of the booking comes");
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var from = Instant.FromDateTimeOffset(start);
        var changed = await db.Bookings.IgnoreQueryFilters().Where(b => b.Id == bookingId)
            .ExecuteUpdateAsync(set => set.SetProperty(b => b.StartsAt, from).SetProperty(b => b.EndsAt, from + Duration.FromHours(1)));
        Assert.Equal(1, changed);
    }

    /// <summary>Waits until the business's list (read from the replica, as the view reads it) has <paramref name="count"/> bookings on <paramref name="date"/>.</summary>
    private static async Task UntilListedAsync(HttpClient owner, Business business, string date, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var list = await DashboardFixture.ReadAsync(await owner.GetAsync($"/api/v1/tenants/{business.Slug}/bookings?from={date}&to={date}"));
            if (list.GetProperty("total").GetInt32() >= count)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The list of {date} never had {count} bookings.");
            await Task.Delay(100);
        }
    }
}
