using System.Net;
using System.Text.Json;
using BookingAws.Api.Features.Catalog;
using BookingAws.Api.Tests.Bookings;

namespace BookingAws.Api.Tests.Infrastructure;

public sealed class ReplicaLossTests : IClassFixture<ApiOverCuttableReplica>
{
    private readonly ApiOverCuttableReplica api;

    public ReplicaLossTests(ApiOverCuttableReplica api) => this.api = api;

    [Fact]
    public async Task When_the_replica_dies_under_pooled_connections_the_next_reads_succeed_from_the_primary_and_readiness_says_degraded()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 2, priceMinor: 0);
        var anonymous = api.CreateClient();

        // The catalogue read below is cached: it must not cache a replica that has not seen the package yet.
        await PlatformDatabase.ReplicaCaughtUpAsync();

        // Several reads at once, so the pool holds several replica connections that the cut leaves dead.
        var before = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => anonymous.GetAsync(s.Tenant.Url("/catalog"))));
        foreach (var response in before)
        {
            // Asserted before the cut too: an empty answer here is a stale read, not the fallback to the primary.
            Assert.Single((await response.ReadAsync<CatalogDto>()).Packages);
        }

        var ready = await (await anonymous.GetAsync("/health/ready")).ReadAsync<JsonElement>(HttpStatusCode.OK);
        Assert.Equal("Healthy", Check(ready, "replica"));

        api.Proxy.Refuse = true;
        api.Proxy.DropAll();

        var after = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => anonymous.GetAsync(s.Tenant.Url("/catalog"))));
        foreach (var response in after)
        {
            Assert.Single((await response.ReadAsync<CatalogDto>()).Packages);
        }

        var degraded = await (await anonymous.GetAsync("/health/ready")).ReadAsync<JsonElement>(HttpStatusCode.OK);
        Assert.Equal("Degraded", degraded.GetProperty("status").GetString());
        Assert.Equal("Degraded", Check(degraded, "replica"));
        Assert.Equal("Healthy", Check(degraded, "primary"));
    }

    private static string? Check(JsonElement report, string name) => report.GetProperty("checks").GetProperty(name).GetProperty("status").GetString();
}
