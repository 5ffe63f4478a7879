using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingAws.E2E.Tests;

/// <summary>The waiting list: who waits for a full slot, in line order.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task The_waiting_list_shows_who_waits_for_a_full_slot_in_line_order_on_a_phone()
    {
        var business = await platform.CreateBusinessAsync(units: 1);
        var tomorrow = DateTime.UtcNow.Date.AddDays(1).ToString("yyyy-MM-dd");
        var ten = $"{tomorrow}T10:00:00Z";
        await ProvenHoldAsync(business, business.PackageId, ten, seats: 1, "Ada Lovelace", "ada@example.test");
        foreach (var (name, email) in new[] { ("Grace Hopper", "grace@example.test"), ("Alan Turing", "alan@example.test") })
        {
            var joined = await platform.CreateClient().PostAsJsonAsync(
                $"/api/v1/tenants/{business.Slug}/waitlist", new { packageId = business.PackageId, startsAt = ten, seats = 1, customer = new { name, email } });
            await DashboardFixture.ReadAsync(joined);
        }

        // The owner reads the replica: wait until it has both entries before the page asks.
        using var owner = await platform.OwnerClientAsync(business);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var list = await DashboardFixture.ReadAsync(await owner.GetAsync($"/api/v1/tenants/{business.Slug}/waitlist?from={tomorrow}&to={tomorrow}"));
            if (list.GetArrayLength() == 2)
            {
                break;
            }

            await Task.Delay(100);
        }

        var page = await platform.NewPageAsync(phone: true);
        await platform.SignInAsync(page, business, "#/waitlist");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Waiting list", Level = 1 })).ToBeVisibleAsync(Loaded);
        var slot = page.GetByTestId("waitlist-slot");
        await Expect(slot).ToContainTextAsync("Harbour tour", new() { Timeout = 15_000 });
        await Expect(slot).ToContainTextAsync("2 seats waiting");
        var entries = slot.GetByTestId("waitlist-entry");
        await Expect(entries).ToHaveCountAsync(2);
        await Expect(entries.Nth(0)).ToContainTextAsync("1st");
        await Expect(entries.Nth(0)).ToContainTextAsync("Grace Hopper");
        await Expect(entries.Nth(0)).ToContainTextAsync("grace@example.test");
        await Expect(entries.Nth(0).GetByTestId("waitlist-status")).ToHaveTextAsync("Waiting");
        await Expect(entries.Nth(1)).ToContainTextAsync("2nd");
        await Expect(entries.Nth(1)).ToContainTextAsync("Alan Turing");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Waiting list", Exact = true })).ToHaveAttributeAsync("aria-current", "page");
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "waitlist-phone");
    }
}
