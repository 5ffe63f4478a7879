using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Customers;
using BookingAws.Shared.Domain.Staff;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace BookingAws.Api.Tests.Infrastructure;

/// <summary>
/// The API in-process over the real PostgreSQL primary and replica, Redis and SQS-compatible server
/// that `./platform` started; connection settings come from the environment it exports. Starts no
/// services itself. Every test makes its own business, so tests share nothing but the servers.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Real Kestrel on a free loopback port: tests speak HTTP over sockets, as clients do.</summary>
    public ApiFactory() => UseKestrel(0);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
    }

    public HttpClient ClientWithToken(string? token)
    {
        var client = CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public string Token(Guid subject, string email, string role, Guid tenantId) =>
        Services.GetRequiredService<TokenIssuer>().Issue(subject, email, role, tenantId);

    /// <summary>Signs up a fresh business through the API and returns its owner's client.</summary>
    public async Task<TestTenant> CreateTenantAsync(string timeZone = "Europe/London", string currency = "GBP")
    {
        var slug = "t-" + Guid.NewGuid().ToString("N")[..12];
        var email = $"owner-{slug}@example.test";
        var response = await CreateClient().PostAsJsonAsync(
            "/api/v1/tenants", new SignUpRequest(slug, $"Business {slug}", timeZone, currency, email, "Owner"), Json);
        response.EnsureSuccessStatusCode();
        var body = (await response.Content.ReadFromJsonAsync<SignUpResponse>(Json))!;
        var token = Token(body.OwnerId, email, Roles.Owner, body.Tenant.Id);
        return new TestTenant(this, slug, body.Tenant.Id, body.OwnerId, ClientWithToken(token));
    }

    /// <summary>Adds a user directly: there is no invite flow yet, and tests need staff and customers.</summary>
    public async Task<HttpClient> AddUserAsync(TestTenant tenant, string role)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var email = $"{role}-{Guid.NewGuid():N}@example.test";
        var now = SystemClock.Instance.GetCurrentInstant();
        Guid id;
        if (role == Roles.Customer)
        {
            var customer = new Customer { TenantId = tenant.Id, Email = email, Name = role, CreatedAt = now };
            db.Customers.Add(customer);
            id = customer.Id;
        }
        else
        {
            var user = new StaffUser { TenantId = tenant.Id, Email = email, Name = role, Role = role, CreatedAt = now };
            db.StaffUsers.Add(user);
            id = user.Id;
        }

        await db.SaveChangesAsync();
        return ClientWithToken(Token(id, email, role, tenant.Id));
    }
}

public sealed record TestTenant(ApiFactory Factory, string Slug, Guid Id, Guid OwnerId, HttpClient Owner)
{
    public string Url(string path = "") => $"/api/v1/tenants/{Slug}{path}";
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "api";
}
