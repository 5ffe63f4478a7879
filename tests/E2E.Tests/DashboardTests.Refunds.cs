using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingAws.E2E.Tests;

/// <summary>The owner's refund of a paid booking from its detail, with what is left to refund shown first.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task The_owner_refunds_part_of_a_booking_paid_online_seeing_what_is_left_to_refund_first()
    {
        var business = await platform.CreateBusinessAsync(units: 2);
        using var owner = await platform.OwnerClientAsync(business);
        var package = await PaidPackageAsync(owner, business, priceMinor: 2500);
        var tomorrow = DateTime.UtcNow.Date.AddDays(1).ToString("yyyy-MM-dd");
        var id = await ProvenHoldAsync(business, package, $"{tomorrow}T12:00:00Z", seats: 1, "Grace Hopper", "grace@example.test");
        await platform.PayAsync(id);

        var page = await platform.NewPageAsync();
        await platform.SignInAsync(page, business, "#/bookings");
        var row = page.Locator($"[data-testid=booking-row][data-booking-id=\"{id}\"]");
        await Expect(row).ToContainTextAsync("Grace Hopper", Shown);
        await row.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Expect(page.GetByTestId("refundable")).ToContainTextAsync("Up to £25.00", Shown);

        // More than is left is refused before anything is sent, next to the amount.
        var amount = page.GetByLabel("Amount (GBP)");
        await amount.FillAsync("30");
        await page.GetByLabel("Reason").FillAsync("goodwill");
        await page.GetByRole(AriaRole.Button, new() { Name = "Refund", Exact = true }).ClickAsync();
        await Expect(page.Locator("#refund-amount-error")).ToContainTextAsync("£25.00");
        await Expect(amount).ToBeFocusedAsync();
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "booking-refund-error");

        await amount.FillAsync("10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Refund", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("detail-notice")).ToHaveTextAsync("Refunded £10.00.", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("refund")).ToContainTextAsync("£10.00: refunded by the business (goodwill)");
        await Expect(page.GetByTestId("refundable")).ToContainTextAsync("Up to £15.00");
        await Expect(page.GetByTestId("cancel-consequence")).ToContainTextAsync("£15.00");
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "booking-refunded");

        var booking = await DashboardFixture.ReadAsync(await owner.GetAsync($"/api/v1/bookings/{id}"));
        Assert.Equal(1500, booking.GetProperty("refundableMinor").GetInt64());
        var refund = booking.GetProperty("refunds")[0];
        Assert.Equal((1000L, "owner:goodwill"), (refund.GetProperty("amountMinor").GetInt64(), refund.GetProperty("reason").GetString()));
    }
}
