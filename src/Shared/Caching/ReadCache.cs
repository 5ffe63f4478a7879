using System.Diagnostics.Metrics;
using BookingAws.Shared.Hosting;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace BookingAws.Shared.Caching;

/// <summary>The caches the API reads through, named as the <c>cache</c> tag of <see cref="ReadCache.Lookups"/>.</summary>
public enum CacheName
{
    Tenant,
    Catalogue,
    Availability,
}

/// <summary>
/// HybridCache (L1 in memory, L2 in Redis) with a hit/miss count per cache, so the hit ratio can be
/// charted and alarmed on. Concurrent misses of one key on one instance run the factory once (HybridCache's
/// stampede protection); the callers that waited for it count as hits.
/// </summary>
public sealed class ReadCache(HybridCache cache, IOptionsMonitor<CacheOptions> options)
{
    public const string LookupsMetric = "bookingaws.cache.lookups";

    private static readonly Counter<long> Lookups = Telemetry.Meter.CreateCounter<long>(
        LookupsMetric, description: "Read-cache lookups by cache (tenant, catalogue, availability) and result (hit, miss).");

    private static readonly string[] Names = ["tenant", "catalogue", "availability"];

    public async ValueTask<T> GetOrCreateAsync<T>(
        CacheName name, string key, Func<CancellationToken, ValueTask<T>> factory, TimeSpan lifetime, IEnumerable<string> tags, CancellationToken ct)
    {
        if (!options.CurrentValue.Enabled)
        {
            Count(name, hit: false);
            return await factory(ct);
        }

        var miss = new StrongBox();
        var value = await cache.GetOrCreateAsync(
            key,
            (factory, miss),
            static async (state, token) =>
            {
                state.miss.Value = true;
                return await state.factory(token);
            },
            new HybridCacheEntryOptions { Expiration = lifetime, LocalCacheExpiration = lifetime },
            tags,
            ct);
        Count(name, hit: !miss.Value);
        return value;
    }

    private static void Count(CacheName name, bool hit) =>
        Lookups.Add(1, new KeyValuePair<string, object?>("cache", Names[(int)name]), new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    private sealed class StrongBox
    {
        public bool Value { get; set; }
    }
}
