using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using BookingAws.Shared.Webhooks;
using BookingAws.Workers.Tests.Webhooks;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BookingAws.E2E.Tests;

/// <summary>The owner's Integrations view: API keys shown once and revoked, webhooks delivered, inspected and redelivered.</summary>
public sealed partial class DashboardTests
{
    private static readonly LocatorAssertionsToContainTextOptions Shown = new() { Timeout = 15_000 };

    [Fact]
    public async Task An_owner_makes_a_read_key_shown_once_that_reads_the_api_until_it_is_revoked()
    {
        var business = await platform.CreateBusinessAsync(units: 1);
        var page = await platform.NewPageAsync();
        await platform.SignInAsync(page, business, "#/integrations");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Integrations" })).ToHaveAttributeAsync("aria-current", "page");
        await Expect(page.GetByTestId("keys-empty")).ToBeVisibleAsync(Loaded);

        await page.GetByLabel("Key name").FillAsync("Nightly report");
        await page.GetByLabel("Access").SelectOptionAsync("read");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var shown = page.GetByTestId("new-key");
        await Expect(shown).ToContainTextAsync("You will not see it again", Shown);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your new key: Nightly report" })).ToBeFocusedAsync();
        var key = await page.GetByTestId("new-key-value").InputValueAsync();
        Assert.StartsWith("bka_", key, StringComparison.Ordinal);
        var row = page.GetByTestId("api-key-row").Filter(new() { HasText = "Nightly report" });
        await Expect(row).ToContainTextAsync("Read only");
        await Expect(row.GetByTestId("key-state")).ToHaveTextAsync("Active");
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "integrations-new-key");

        // The business's own software uses it as a bearer token (reads come from the replica: wait for the catalogue there).
        using var software = platform.CreateClient();
        software.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var inventory = $"/api/v1/tenants/{business.Slug}/inventory";
        await UntilAsync(async () => (await software.GetStringAsync(inventory)).Contains("Kayak", StringComparison.Ordinal), "the key reads the inventory");

        // Shown once: gone after Done, and nowhere on the page after a reload; the list shows the key was used.
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(shown).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await Expect(row).ToBeVisibleAsync(Loaded);
        await Expect(row).Not.ToContainTextAsync("Never");
        Assert.DoesNotContain(key[4..], await page.ContentAsync(), StringComparison.Ordinal);

        // Revoking asks first; the keyboard confirms.
        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke Nightly report" }).ClickAsync();
        await Expect(row.GetByRole(AriaRole.Group)).ToContainTextAsync("cannot be undone");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Shift+Tab");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Yes, revoke" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(row.GetByTestId("key-state")).ToContainTextAsync("Revoked", Shown);
        await Expect(page.GetByTestId("keys-notice")).ToContainTextAsync("Nightly report revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, (await software.GetAsync(inventory)).StatusCode);
    }

    [Fact]
    public async Task An_owner_registers_a_webhook_sees_a_booking_delivered_and_redelivers_it_at_phone_width()
    {
        var business = await platform.CreateBusinessAsync(units: 2);
        await using var receiver = WebhookReceiver.Start();
        using var workers = await platform.StartWorkersAsync(business, "webhooks");
        var page = await platform.NewPageAsync(phone: true);
        await platform.SignInAsync(page, business, "#/integrations");
        await Expect(page.GetByTestId("webhooks-empty")).ToBeVisibleAsync(Loaded);

        // A private address is refused by the API, and the refusal shows next to the URL.
        var url = page.GetByLabel("Endpoint URL");
        await url.FillAsync("https://10.0.0.5/hooks");
        await page.GetByLabel("A booking is confirmed").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Register endpoint" }).ClickAsync();
        await Expect(url).ToHaveAttributeAsync("aria-invalid", "true", new() { Timeout = 15_000 });
        await Expect(page.Locator("#webhook-url-error")).ToContainTextAsync("private");
        await Expect(url).ToBeFocusedAsync();
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        await DashboardFixture.ScreenshotAsync(page, "integrations-webhook-error-phone");

        await url.FillAsync(receiver.Url.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Register endpoint" }).ClickAsync();
        await Expect(page.GetByTestId("new-secret")).ToContainTextAsync("You will not see it again", Shown);
        await Expect(page.Locator("#webhook-url-error")).ToBeHiddenAsync();
        var secret = await page.GetByTestId("new-secret-value").InputValueAsync();
        Assert.StartsWith(WebhookSignature.SecretPrefix, secret, StringComparison.Ordinal);
        await Expect(page.GetByTestId("webhook-row")).ToContainTextAsync("booking.confirmed.v1");

        // A customer books; the confirmation reaches the receiver, signed with the secret the page showed.
        var tomorrow = DateTime.UtcNow.Date.AddDays(1).ToString("yyyy-MM-dd");
        var booking = await ProvenHoldAsync(business, business.PackageId, $"{tomorrow}T10:00:00Z", seats: 1, "Ada Lovelace", "ada@example.test");
        await UntilAsync(() => Task.FromResult(!receiver.Received.IsEmpty), "the confirmation delivered");
        var first = receiver.Received.First();
        Assert.Equal("booking.confirmed.v1", JsonDocument.Parse(first.Body).RootElement.GetProperty("type").GetString());
        Assert.Contains(booking.ToString(), first.Body, StringComparison.Ordinal);
        Assert.True(WebhookSignature.Verify(secret, first.Headers[WebhookSignature.Header], first.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));

        // Once the workers have recorded the attempt, the endpoint shows it.
        using var owner = await platform.OwnerClientAsync(business);
        var endpointId = (await DashboardFixture.ReadAsync(await owner.GetAsync($"/api/v1/tenants/{business.Slug}/webhooks")))[0].GetProperty("id").GetGuid();
        await UntilAsync(
            async () => (await DashboardFixture.ReadAsync(await owner.GetAsync($"/api/v1/tenants/{business.Slug}/webhooks/{endpointId}/deliveries?state=delivered"))).GetArrayLength() == 1,
            "the attempt recorded");
        await page.GetByTestId("webhook-row").GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        var delivery = page.GetByTestId("delivery-row");
        await Expect(delivery).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(delivery).ToContainTextAsync("booking.confirmed.v1");
        await Expect(delivery.GetByTestId("delivery-state")).ToHaveTextAsync("Delivered");
        await Expect(delivery).ToContainTextAsync("HTTP 200");
        await delivery.GetByRole(AriaRole.Button, new() { Name = "Attempts" }).ClickAsync();
        await Expect(page.GetByTestId("attempt")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("attempt")).ToContainTextAsync(new Regex(@"HTTP 200.*\d+(\.\d)? m?s"));

        // Redeliver sends the same event again, and the page follows it until the second attempt is in.
        await delivery.GetByRole(AriaRole.Button, new() { Name = "Redeliver" }).ClickAsync();
        await UntilAsync(() => Task.FromResult(receiver.Received.Count >= 2), "the redelivery");
        var second = receiver.Received.Skip(1).First();
        Assert.Equal(first.Headers[WebhookSignature.EventIdHeader], second.Headers[WebhookSignature.EventIdHeader]);
        Assert.Equal(first.Body, second.Body);
        await Expect(page.GetByTestId("endpoint-notice")).ToContainTextAsync("sent again: HTTP 200", new() { Timeout = 35_000 });
        await Expect(delivery.GetByTestId("delivery-attempts")).ToHaveTextAsync("2");

        // A new secret is shown once too.
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate signing secret" }).ClickAsync();
        await Expect(page.GetByTestId("rotated-secret")).ToContainTextAsync("You will not see it again", Shown);
        Assert.NotEqual(secret, await page.GetByTestId("rotated-secret-value").InputValueAsync());

        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"), "the page scrolls sideways at phone width");
        await DashboardFixture.ScreenshotAsync(page, "integrations-webhook-deliveries-phone");
    }

    [Fact]
    public async Task Staff_have_no_integrations_entry()
    {
        var business = await platform.CreateBusinessAsync(units: 1);
        var staff = await platform.AddStaffAsync(business);
        var page = await platform.NewPageAsync();
        await platform.SignInAsync(page, business, "#/integrations", staff);

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Policy" })).ToBeVisibleAsync(Loaded);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Integrations" })).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("integrations-owner-only")).ToBeVisibleAsync(Loaded);
        Assert.Empty(await DashboardFixture.AxeViolationsAsync(page));
    }

    /// <summary>Polls <paramref name="condition"/> (async work elsewhere: the replica, the workers, the receiver) until it holds.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(200);
        }
    }
}
