using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingAws.E2E.Tests;

/// <summary>Analytics per package, fed by the workers' projection from real bookings.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task Analytics_compares_packages_and_charts_one_package_from_the_workers_projection()
    {
        var business = await platform.CreateBusinessAsync(units: 4);
        using var workers = await platform.StartWorkersAsync(business, "analytics");
        using var owner = await platform.OwnerClientAsync(business);
        var lesson = await PaidPackageAsync(owner, business, priceMinor: 2500);
        var tomorrow = DateTime.UtcNow.Date.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var paid = await ProvenHoldAsync(business, lesson, $"{tomorrow}T10:00:00Z", seats: 2, "Ada Lovelace", "ada@example.test");
        (await owner.PostAsync($"/api/v1/tenants/{business.Slug}/bookings/{paid}/confirm", null)).EnsureSuccessStatusCode();
        await ProvenHoldAsync(business, business.PackageId, $"{tomorrow}T09:00:00Z", seats: 1, "Grace Hopper", "grace@example.test");
        await ProvenHoldAsync(business, business.PackageId, $"{tomorrow}T13:00:00Z", seats: 1, "Mae Jemison", "mae@example.test");

        // The confirmations travel outbox → SQS → the analytics handler before the figures show.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await DashboardFixture.ReadAsync(await owner.GetAsync($"/api/v1/tenants/{business.Slug}/analytics/packages?from={tomorrow}&to={tomorrow}")))
               .EnumerateArray().Sum(p => p.GetProperty("bookings").GetInt32()) < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "The projection never counted the three bookings.");
            await Task.Delay(200);
        }

        var page = await platform.NewPageAsync();
        await platform.SignInAsync(page, business, "#/analytics");
        await Expect(page.GetByTestId("totals")).ToBeVisibleAsync(Loaded);
        await page.GetByLabel("From", new() { Exact = true }).FillAsync(tomorrow);
        await page.GetByLabel("To", new() { Exact = true }).FillAsync(tomorrow);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();

        // Busiest first: the tour twice (free), the lesson once (two seats at £25).
        var rows = page.GetByTestId("package-row");
        await Expect(rows).ToHaveCountAsync(2, new() { Timeout = 15_000 });
        await Expect(rows.Nth(0)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Harbour tour\s*2\s*2\s*£0\.00\s*0\s*2$"));
        await Expect(rows.Nth(1)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Sea kayak lesson\s*1\s*2\s*£50\.00\s*0\s*1$"));
        await Expect(page.Locator("canvas#chart-packages")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("total-bookings")).ToHaveTextAsync("3");

        var packagesCsv = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("csv-packages").ClickAsync());
        Assert.Equal($"analytics-packages-{tomorrow}-to-{tomorrow}.csv", packagesCsv.SuggestedFilename);
        Assert.Equal(
            "package,bookings,seats,revenue,currency,cancellations,booked_minutes\r\n" +
            "Harbour tour,2,2,0.00,GBP,0,120\r\nSea kayak lesson,1,2,50.00,GBP,0,60\r\n",
            await File.ReadAllTextAsync((await packagesCsv.PathAsync())!));

        // One package's days: the totals and the daily export are the lesson's alone.
        await page.GetByLabel("Package", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Sea kayak lesson" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page.GetByTestId("analytics-scope")).ToHaveTextAsync("Daily figures of Sea kayak lesson", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("total-bookings")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("total-revenue")).ToHaveTextAsync("£50.00");
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "analytics-packages");

        var daily = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("csv").ClickAsync());
        Assert.Equal($"analytics-sea-kayak-lesson-{tomorrow}-to-{tomorrow}.csv", daily.SuggestedFilename);
        Assert.Equal(
            $"date,bookings,seats,revenue,currency,cancellations,booked_minutes\r\n{tomorrow},1,2,50.00,GBP,0,60\r\n",
            await File.ReadAllTextAsync((await daily.PathAsync())!));
    }
}
