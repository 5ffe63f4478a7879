using System.Net;
using System.Text.Json;
using BookingAws.Api.Features.Catalog;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Tests.Common;
using Microsoft.AspNetCore.Hosting;

namespace BookingAws.Api.Tests.Infrastructure;

/// <summary>The API's Redis behind a proxy that can hold every byte, as a Redis that hangs (not one that refuses).</summary>
public sealed class ApiOverHangableRedis : ApiFactory
{
    private static readonly string Redis = Environment.GetEnvironmentVariable("ConnectionStrings__Redis") ?? "127.0.0.1:56379";

    public FaultProxy Proxy { get; } = new($"tcp://{Redis}");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:Redis", $"127.0.0.1:{new Uri(Proxy.Url).Port}");
    }

    public override async ValueTask DisposeAsync()
    {
        // Let Redis answer again first: the host's shutdown talks to it (the SignalR backplane unsubscribes).
        Proxy.Delay = TimeSpan.Zero;
        await base.DisposeAsync();
        await Proxy.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class HungRedisReadinessTests : IClassFixture<ApiOverHangableRedis>
{
    private readonly ApiOverHangableRedis api;

    public HungRedisReadinessTests(ApiOverHangableRedis api) => this.api = api;

    [Fact]
    public async Task A_hanging_redis_leaves_readiness_answering_degraded_within_the_load_balancers_timeout_and_reads_working()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 2, priceMinor: 0);
        var anonymous = api.CreateClient();
        Assert.Equal("Healthy", Check(await (await anonymous.GetAsync("/health/ready")).ReadAsync<JsonElement>(HttpStatusCode.OK), "redis"));

        api.Proxy.Delay = TimeSpan.FromMinutes(5);
        try
        {
            // The load balancer's check: the ALB gives up after 5 s, so ask as it would with margin to spare. Before the
            // fix the Redis check waited for the client library's own 5 s timeout and this request timed out.
            using var check = api.CreateClient();
            check.Timeout = TimeSpan.FromSeconds(4);
            var ready = await (await check.GetAsync("/health/ready")).ReadAsync<JsonElement>(HttpStatusCode.OK);
            Assert.Equal("Degraded", ready.GetProperty("status").GetString());
            Assert.Equal("Degraded", Check(ready, "redis"));
            Assert.Single((await (await anonymous.GetAsync(s.Tenant.Url("/catalog"))).ReadAsync<CatalogDto>()).Packages);
        }
        finally
        {
            api.Proxy.Delay = TimeSpan.Zero;
        }
    }

    private static string? Check(JsonElement report, string name) => report.GetProperty("checks").GetProperty(name).GetProperty("status").GetString();
}
