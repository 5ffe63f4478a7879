using BookingAws.Shared.Hosting;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BookingAws.Shared.Caching;

public static class CacheServiceCollectionExtensions
{
    /// <summary>
    /// The API's read cache: HybridCache over the process's Redis multiplexer (bounded, see
    /// <see cref="BoundedRedisCache"/>), the listener that applies other instances' invalidations, and
    /// <see cref="CacheInvalidation"/> for this host's writes.
    /// </summary>
    public static IServiceCollection AddReadCache(this IServiceCollection services, string redisConnectionString)
    {
        services.AddCacheInvalidation(redisConnectionString);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IDistributedCache>(sp => new BoundedRedisCache(
            new RedisCache(Options.Create(new RedisCacheOptions
            {
                InstanceName = "bookingaws:cache:",
                ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()),
            })),
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<IOptions<CacheOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<BoundedRedisCache>>()));
        services.AddHybridCache(o =>
        {
            // Availability for a two-month range is about 100 KB; the default 1 MB leaves room.
            o.MaximumKeyLength = 256;
        });
        services.AddSingleton<ReadCache>();
        services.AddHostedService<CacheInvalidationListener>();
        return services;
    }

    /// <summary>Only the publishing side, for hosts that write but cache nothing (the workers).</summary>
    public static IServiceCollection AddCacheInvalidation(this IServiceCollection services, string redisConnectionString)
    {
        if (!services.Any(d => d.ServiceType == typeof(IConnectionMultiplexer)))
        {
            services.AddRedis(redisConnectionString);
        }

        services.AddOptions<CacheOptions>().BindConfiguration(CacheOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<CacheInvalidation>();
        return services;
    }
}
