using System.Net;
using System.Text.Json;
using BookingAws.Api.Features.Catalog;
using BookingAws.Api.Features.Inventory;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace BookingAws.Api.Tests.Platform;

/// <summary>
/// The API with its replica and Redis pointed at a port where nothing listens, as when those services
/// fail: bookings and reads still work (through the primary), and readiness says Degraded, not down.
/// </summary>
public sealed class ApiWithoutReplicaOrRedis : ApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var primary = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("ConnectionStrings__Primary")
            ?? "Host=127.0.0.1;Port=55432;Database=bookingaws;Username=bookingaws;Password=bookingaws");
        var replica = new NpgsqlConnectionStringBuilder(primary.ConnectionString) { Port = 1, Timeout = 2 };
        builder.UseSetting("ConnectionStrings:Primary", primary.ConnectionString);
        builder.UseSetting("ConnectionStrings:Replica", replica.ConnectionString);
        builder.UseSetting("ConnectionStrings:Redis", "127.0.0.1:1,connectTimeout=500");
    }
}

[Collection(ApiCollection.Name)]
public sealed class DegradedDependenciesTests : IClassFixture<ApiWithoutReplicaOrRedis>
{
    private readonly ApiWithoutReplicaOrRedis api;

    public DegradedDependenciesTests(ApiWithoutReplicaOrRedis api) => this.api = api;

    [Fact]
    public async Task Without_replica_and_redis_the_api_still_books_and_reads_and_reports_degraded()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 2, priceMinor: 0);

        var booking = await GuestProof.BookAsync(api, s, api.CreateClient(), s.Guest(BookingScenario.SlotOnDay(2, 10)));
        var items = await (await s.Tenant.Owner.GetAsync(s.Tenant.Url("/inventory"))).ReadAsync<List<InventoryItemDto>>();
        var catalog = await (await api.CreateClient().GetAsync(s.Tenant.Url("/catalog"))).ReadAsync<CatalogDto>();
        var ready = await api.CreateClient().GetAsync("/health/ready");

        Assert.Equal("confirmed", booking.Status);
        Assert.Single(items);
        Assert.Single(catalog.Packages);
        var report = await ready.ReadAsync<JsonElement>(HttpStatusCode.OK);
        Assert.Equal("Degraded", report.GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("primary").GetProperty("status").GetString());
        Assert.Equal("Degraded", report.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
    }
}
