using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Tests.Identity;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Customers;
using BookingAws.Shared.Domain.Staff;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace BookingAws.Api.Tests.Infrastructure;

/// <summary>
/// The API in-process over the real PostgreSQL primary and replica, Redis, SQS-compatible server and
/// user pool (cognito-local) that `./platform` started; connection settings come from the environment it
/// exports. Starts no services itself. Every test makes its own business, so tests share nothing but
/// the servers. Tokens are real access tokens from the pool, validated as in production.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private TestIdentity? identity;

    /// <summary>Real Kestrel on a free loopback port: tests speak HTTP over sockets, as clients do.</summary>
    public ApiFactory() => UseKestrel(0);

    public TestIdentity Identity => identity ??= new TestIdentity(Services);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(TestPool.Settings));

        // cognito-local sends no invitation: tests set owners' passwords at sign-up, as the local platform does.
        builder.UseSetting("Auth:PasswordSignUp", "true");
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

    /// <summary>A client signed in (through the pool) as <paramref name="email"/>, who must have the test password.</summary>
    public async Task<HttpClient> SignedInAsync(string email) => ClientWithToken(await Identity.TokenAsync(email));

    /// <summary>Signs up a fresh business through the API (its owner lands in the pool) and returns the owner's signed-in client.</summary>
    public async Task<TestTenant> CreateTenantAsync(string timeZone = "Europe/London", string currency = "GBP", string? slug = null)
    {
        slug ??= "t-" + Guid.NewGuid().ToString("N")[..12];
        var email = $"owner-{slug}@example.test";
        var response = await CreateClient().PostAsJsonAsync(
            "/api/v1/tenants", new SignUpRequest(slug, $"Business {slug}", timeZone, currency, email, "Owner", TestIdentity.Password), Json);
        response.EnsureSuccessStatusCode();
        var body = (await response.Content.ReadFromJsonAsync<SignUpResponse>(Json))!;
        return new TestTenant(this, slug, body.Tenant.Id, body.OwnerId, await SignedInAsync(email));
    }

    /// <summary>
    /// Adds a staff member or a customer: a person in the pool, their membership or customer row, and their
    /// signed-in client, without the invitation an owner would send (StaffTests cover that): tests need staff and customers.
    /// </summary>
    public async Task<HttpClient> AddUserAsync(TestTenant tenant, string role, string? email = null)
    {
        email ??= $"{role}-{Guid.NewGuid():N}@example.test";
        var personId = await Identity.AddPersonAsync(email);
        await using var scope = Services.CreateAsyncScope();
        using var rowScope = DatabaseScope.Tenant(tenant.Id);
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var now = SystemClock.Instance.GetCurrentInstant();
        if (role == Roles.Customer)
        {
            db.Customers.Add(new Customer { TenantId = tenant.Id, PersonId = personId, Email = email, Name = role, CreatedAt = now });
        }
        else
        {
            db.StaffUsers.Add(new StaffUser { TenantId = tenant.Id, PersonId = personId, Email = email, Name = role, Role = role, CreatedAt = now });
        }

        await db.SaveChangesAsync();
        return await SignedInAsync(email);
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
