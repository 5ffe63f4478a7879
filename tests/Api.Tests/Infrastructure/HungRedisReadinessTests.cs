using System.Diagnostics;
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
        var clock = Stopwatch.StartNew();
        var ready = await (await anonymous.GetAsync("/health/ready")).ReadAsync<JsonElement>(HttpStatusCode.OK);
        clock.Stop();

        // The ALB gives a check 5 s; HAProxy in the local fleet 2 s. Degraded dependencies give up after one.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"readiness took {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal("Degraded", ready.GetProperty("status").GetString());
        Assert.Equal("Degraded", Check(ready, "redis"));
        Assert.Single((await (await anonymous.GetAsync(s.Tenant.Url("/catalog"))).ReadAsync<CatalogDto>()).Packages);
    }

    private static string? Check(JsonElement report, string name) => report.GetProperty("checks").GetProperty(name).GetProperty("status").GetString();
}
