using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BookingAws.Shared.Identity;
using BookingAws.Tests.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BookingAws.E2E.Tests;

/// <summary>
/// The API on real Kestrel and, on demand, the workers' real registration (outbox relay → SQS → handlers), on the
/// servers `./platform` started. Each test makes its own business, and its workers relay only that business's events.
/// </summary>
public class ApiWithWorkers : WebApplicationFactory<Program>
{
    public const string OwnerPassword = "Test-passw0rd!";

    public ApiWithWorkers() => UseKestrel(0);

    public Uri BaseAddress => ClientOptions.BaseAddress;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        builder.UseSetting("Auth:PasswordSignUp", "true");
        // Counters of its own: every run signs up and books from 127.0.0.1, and the shared Redis keeps earlier runs' counts.
        builder.UseSetting("RateLimits:KeyPrefix", $"rl-e2e-{Guid.NewGuid():N}");

        // Each browser test signs up its own business from 127.0.0.1: more than the default 10 an hour per address.
        builder.UseSetting("RateLimits:SignUps:PerIp:PermitLimit", "1000");
    }

    /// <summary>A new business with one inventory item of <paramref name="units"/>, open every day 09:00-17:00
    /// UTC, and a free one-hour package that takes one unit per seat.</summary>
    public async Task<Business> CreateBusinessAsync(int units)
    {
        var slug = "e2e-" + Guid.NewGuid().ToString("N")[..12];
        var signUp = await CreateClient().PostAsJsonAsync("/api/v1/tenants", new
        {
            slug,
            name = "Harbour Kayaks " + slug[^4..],
            timeZone = "Etc/UTC",
            currency = "GBP",
            ownerEmail = $"owner-{slug}@example.test",
            ownerName = "Owner",
            ownerPassword = OwnerPassword,
        });
        var created = await Read(signUp);
        var tenantId = created.GetProperty("tenant").GetProperty("id").GetGuid();

        // The owner signs in through the user pool (cognito-local), as the dashboard would.
        var clientId = Services.GetRequiredService<IConfiguration>()["Auth:ClientIds:0"]
                       ?? throw new InvalidOperationException("Auth:ClientIds is not configured; run ./platform services.");
        var tokens = await Services.GetRequiredService<CognitoClient>().InitiateAuthAsync(clientId, $"owner-{slug}@example.test", OwnerPassword, CancellationToken.None);
        var owner = CreateClient();
        owner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);

        var item = await Read(await owner.PostAsJsonAsync($"/api/v1/tenants/{slug}/inventory", new { name = "Kayak", quantity = units }));
        var package = await Read(await owner.PostAsJsonAsync($"/api/v1/tenants/{slug}/packages", new
        {
            name = "Harbour tour",
            description = "One hour around the harbour",
            durationMinutes = 60,
            priceMinor = 0,
            maxSeats = units,
            inventory = new[] { new { inventoryItemId = item.GetProperty("id").GetGuid(), units = 1, perSeat = true } },
        }));
        var days = Enum.GetNames<DayOfWeek>().Select(d => new { day = d, opens = "09:00", closes = "17:00" });
        (await owner.PutAsJsonAsync($"/api/v1/tenants/{slug}/hours", new { intervals = days })).EnsureSuccessStatusCode();
        return new Business(slug, tenantId, package.GetProperty("id").GetGuid());
    }

    /// <summary>An API client signed in as the business's owner (through the user pool, as the dashboard does).</summary>
    public async Task<HttpClient> OwnerClientAsync(Business business)
    {
        var clientId = Services.GetRequiredService<IConfiguration>()["Auth:ClientIds:0"]!;
        var tokens = await Services.GetRequiredService<CognitoClient>().InitiateAuthAsync(clientId, $"owner-{business.Slug}@example.test", OwnerPassword, CancellationToken.None);
        var owner = CreateClient();
        owner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        return owner;
    }

    /// <summary>The workers, relaying only this business's events and sending only its webhooks, consuming only the
    /// <paramref name="queues"/> named (availability pushes when none is).</summary>
    public Task<IHost> StartWorkersAsync(Business business, params string[] queues)
    {
        return InProcessWorkers.StartAsync(Services.GetRequiredService<IConfiguration>(), business.TenantId, "e2e", queues.Length == 0 ? ["availability"] : queues, new Dictionary<string, string?>
        {
            ["Links:PortalBaseUrl"] = BaseAddress.ToString(),

            // The tests' receivers listen on 127.0.0.1 (see DashboardFixture, which lets the API register them).
            ["Webhooks:AllowLoopbackTargets"] = "true",
        });
    }

    private static async Task<JsonElement> Read(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

}

public sealed record Business(string Slug, Guid TenantId, Guid PackageId);
