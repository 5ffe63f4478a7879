using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingAws.E2E.Tests;

/// <summary>The catalogue and opening-hours editors, with the API's refusals shown next to the field at fault.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task The_catalogue_adds_an_item_and_a_package_showing_the_apis_error_next_to_the_field()
    {
        var business = await platform.CreateBusinessAsync(units: 2);
        var page = await platform.NewPageAsync();
        await platform.SignInAsync(page, business, "#/catalogue");

        var newItem = page.GetByRole(AriaRole.Form, new() { Name = "New item" });
        await newItem.GetByLabel("Name").FillAsync("Paddleboard", new() { Timeout = 15_000 });
        await newItem.GetByLabel("Units").FillAsync("3");
        await newItem.GetByRole(AriaRole.Button, new() { Name = "Add item" }).ClickAsync();
        await Expect(page.GetByTestId("catalogue-saved")).ToHaveTextAsync("Paddleboard added.", Loaded2);
        await Expect(page.GetByTestId("inventory-item")).ToHaveCountAsync(2);

        await page.GetByRole(AriaRole.Button, new() { Name = "New package" }).ClickAsync();
        var form = page.GetByTestId("package-form");
        await form.GetByLabel("Name", new() { Exact = true }).FillAsync("Sunset paddle");
        await form.GetByLabel("Length (minutes)").FillAsync("2");
        await form.GetByLabel("Price (GBP)").FillAsync("35.50");
        await form.GetByLabel("Paddleboard (3)").CheckAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Create package" }).ClickAsync();
        var duration = form.GetByLabel("Length (minutes)");
        await Expect(page.Locator("#package-durationMinutes-error")).ToBeVisibleAsync(Loaded);
        await Expect(duration).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(duration).ToBeFocusedAsync();
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "catalogue-package-error");

        await duration.FillAsync("90");
        await form.GetByRole(AriaRole.Button, new() { Name = "Create package" }).ClickAsync();
        await Expect(page.GetByTestId("catalogue-saved")).ToHaveTextAsync("Sunset paddle created.", Loaded2);
        var row = page.GetByTestId("package-row").Filter(new() { HasText = "Sunset paddle" });
        await Expect(row).ToContainTextAsync("£35.50");
        await Expect(row).ToContainTextAsync("1 Paddleboard per seat");
        await DashboardFixture.ScreenshotAsync(page, "catalogue");

        using var owner = await platform.OwnerClientAsync(business);
        var packages = await DashboardFixture.ReadAsync(await owner.GetAsync($"/api/v1/tenants/{business.Slug}/packages"));
        var created = packages.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Sunset paddle");
        Assert.Equal(3550, created.GetProperty("priceMinor").GetInt64());
        Assert.Equal(90, created.GetProperty("durationMinutes").GetInt32());
        Assert.Equal(JsonValueKind.Array, created.GetProperty("inventory").ValueKind);
    }

    [Fact]
    public async Task Opening_hours_and_closures_show_the_apis_error_next_to_the_field_at_phone_width()
    {
        var business = await platform.CreateBusinessAsync(units: 1);
        var page = await platform.NewPageAsync(phone: true);
        await platform.SignInAsync(page, business, "#/hours");

        var monday = page.Locator("[data-testid=day-hours][data-day=Monday]");
        await Expect(monday.GetByTestId("interval")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        var closes = monday.GetByLabel("Closes");
        await closes.FillAsync("08:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save weekly hours" }).ClickAsync();
        await Expect(closes).ToHaveAttributeAsync("aria-invalid", "true", new() { Timeout = 15_000 });
        await Expect(monday.Locator(".field-error:not([hidden])")).ToHaveTextAsync("Closing time must be after opening time.");
        await Expect(closes).ToBeFocusedAsync();
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "hours-error-phone");

        // Monday becomes a short day; Sunday closes altogether.
        await closes.FillAsync("12:00");
        await page.Locator("[data-testid=day-hours][data-day=Sunday]").GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save weekly hours" }).ClickAsync();
        await Expect(page.GetByTestId("hours-saved")).ToContainTextAsync("Weekly hours saved", new() { Timeout = 15_000 });

        await page.GetByLabel("First day closed").FillAsync("2027-01-10");
        await page.GetByLabel("Last day closed").FillAsync("2027-01-05");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add closure" }).ClickAsync();
        await Expect(page.Locator("#closure-end-error")).ToHaveTextAsync("The end date must not be before the start date.", Loaded2);
        await page.GetByLabel("Last day closed").FillAsync("2027-01-12");
        await page.GetByLabel("Reason (optional)").FillAsync("Winter maintenance");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add closure" }).ClickAsync();
        await Expect(page.GetByTestId("closure")).ToContainTextAsync("Winter maintenance", new() { Timeout = 15_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"), "the page scrolls sideways at phone width");
        await DashboardFixture.ScreenshotAsync(page, "hours-phone");

        using var owner = await platform.OwnerClientAsync(business);
        var hours = await DashboardFixture.ReadAsync(await owner.GetAsync($"/api/v1/tenants/{business.Slug}/hours"));
        Assert.Equal(6, hours.GetArrayLength());
        Assert.Contains(hours.EnumerateArray(), i => i.GetProperty("day").ToString() is "Monday" or "1" && i.GetProperty("closes").GetString()!.StartsWith("12:00"));
    }

    private static readonly LocatorAssertionsToHaveTextOptions Loaded2 = new() { Timeout = 15_000 };
}
