using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using StackExchange.Redis;

namespace BookingAws.Shared.Caching;

/// <summary>
/// What every write calls after its commit. HybridCache's <c>RemoveByTagAsync</c> marks the tag in this
/// process and in L2 only: other instances remember the tag times they have read and keep serving their
/// L1 copies. So the tags are also published on <see cref="CacheTags.Channel"/>, where every API instance
/// (<see cref="CacheInvalidationListener"/>) removes them from its own L1. The workers have no cache of their
/// own and only publish. Never throws: the change is committed, and a lost message is bounded by the
/// entries' lifetimes (and a reconnecting instance drops all it holds).
/// </summary>
public sealed class CacheInvalidation(
    IConnectionMultiplexer redis, IOptions<CacheOptions> options, ILogger<CacheInvalidation> logger, HybridCache? cache = null)
{
    /// <summary>Tells this host's listener which messages it sent itself (already applied).</summary>
    internal string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Catalogue, hours, closures, policy, inventory, package or tenant edits: everything of the business.</summary>
    public Task TenantChangedAsync(Guid tenantId, string slug, CancellationToken ct) =>
        InvalidateAsync([CacheTags.Tenant(tenantId), CacheTags.TenantSlug(slug)], ct);

    /// <summary>A booking's allocations appeared, moved or went over these windows.</summary>
    public Task BookingsChangedAsync(Guid tenantId, IEnumerable<(Instant From, Instant To)> windows, CancellationToken ct) =>
        InvalidateAsync(windows.SelectMany(w => CacheTags.ForBookingWindow(tenantId, w.From, w.To)).Distinct().ToList(), ct);

    /// <summary>
    /// Queues <paramref name="tags"/> for the next batch and returns once that batch is applied here and published.
    /// Writes arriving within <see cref="CacheOptions.InvalidationBatch"/> share one removal, one publish and one set
    /// of repeats: at a thousand holds a second that is a few dozen Redis calls instead of tens of thousands.
    /// </summary>
    public Task InvalidateAsync(IReadOnlyCollection<string> tags, CancellationToken ct)
    {
        if (tags.Count == 0)
        {
            return Task.CompletedTask;
        }

        lock (gate)
        {
            pending.UnionWith(tags);
            return flush ??= FlushSoonAsync();
        }
    }

    private readonly Lock gate = new();
    private HashSet<string> pending = new(StringComparer.Ordinal);
    private Task? flush;

    private async Task FlushSoonAsync()
    {
        await Task.Delay(options.Value.InvalidationBatch);
        HashSet<string> tags;
        lock (gate)
        {
            (tags, pending, flush) = (pending, new HashSet<string>(StringComparer.Ordinal), null);
        }

        await ApplyLocallyAsync(tags, options.Value, cache, logger);
        try
        {
            if (redis.IsConnected)
            {
                await redis.GetSubscriber()
                    .PublishAsync(RedisChannel.Literal(CacheTags.Channel), InstanceId + "\n" + string.Join('\n', tags))
                    .WaitAsync(options.Value.RedisTimeout, CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not publish cache invalidation of {Tags}; other instances keep their copies until they expire", tags);
        }
    }

    /// <summary>Removes now and again after each of <see cref="CacheOptions.ReapplyDelays"/> (a lagging replica).</summary>
    internal static async Task ApplyLocallyAsync(IReadOnlyCollection<string> tags, CacheOptions options, HybridCache? cache, ILogger logger)
    {
        if (cache is null)
        {
            return;
        }

        await RemoveAsync(tags, cache, logger);
        _ = ReapplyAsync(tags, options.ReapplyDelays, cache, logger);
    }

    private static async Task ReapplyAsync(IReadOnlyCollection<string> tags, IReadOnlyList<TimeSpan> delays, HybridCache cache, ILogger logger)
    {
        var waited = TimeSpan.Zero;
        foreach (var delay in delays.Order())
        {
            await Task.Delay(delay - waited);
            waited = delay;
            await RemoveAsync(tags, cache, logger);
        }
    }

    private static async Task RemoveAsync(IReadOnlyCollection<string> tags, HybridCache cache, ILogger logger)
    {
        try
        {
            // The L2 part is bounded by BoundedRedisCache; the L1 part is immediate.
            await cache.RemoveByTagAsync(tags, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Cache invalidation of {Tags} failed", tags);
        }
    }
}
