using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Tests.Common;
using Microsoft.AspNetCore.Hosting;

namespace BookingAws.Api.Tests.Availability;

/// <summary>
/// An API whose cache entries live far longer than any test, so an answer can only change because an
/// invalidation reached it, never because the entry expired.
/// </summary>
public class ApiWithLongCache : ApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Cache:AvailabilityFor", "00:10:00");
        builder.UseSetting("Cache:CatalogueFor", "00:10:00");
        builder.UseSetting("Cache:TenantFor", "00:10:00");
    }
}

/// <summary>The same API with the cache switched off (<c>Cache:Enabled=false</c>), as on-call would.</summary>
public sealed class ApiWithCacheOff : ApiWithLongCache
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Cache:Enabled", "false");
    }
}

/// <summary>Two API instances over the same database and Redis, as two tasks behind the load balancer.</summary>
public sealed class TwoApiInstances : IAsyncLifetime
{
    public ApiWithLongCache A { get; } = new();
    public ApiWithLongCache B { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}

/// <summary>The API's Redis behind a proxy the test can cut (refuse and drop every connection) and restore.</summary>
public sealed class ApiOverCuttableRedis : ApiWithLongCache
{
    public static readonly string Redis = Environment.GetEnvironmentVariable("ConnectionStrings__Redis") ?? "127.0.0.1:56379";

    public FaultProxy Proxy { get; } = new($"tcp://{Redis}");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:Redis", $"127.0.0.1:{new Uri(Proxy.Url).Port}");
    }

    public override async ValueTask DisposeAsync()
    {
        Proxy.Refuse = false;
        Proxy.Delay = TimeSpan.Zero;
        await base.DisposeAsync();
        await Proxy.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
