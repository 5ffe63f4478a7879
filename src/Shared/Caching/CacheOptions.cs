using System.ComponentModel.DataAnnotations;

namespace BookingAws.Shared.Caching;

/// <summary>The read cache's settings (section <c>Cache</c>). Entries are invalidated on every change that can
/// alter them; the lifetimes below only bound what an invalidation lost in a Redis outage can leave behind.</summary>
public sealed class CacheOptions
{
    public const string Section = "Cache";

    /// <summary>Off: every read is computed from the database (a switch for on-call if the cache misbehaves, and the
    /// benchmark's uncached baseline). Invalidations are still published, so turning it back on serves nothing stale.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Availability also moves with the clock (lead time, holds lapsing before the sweep), so it is short.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan AvailabilityFor { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CatalogueFor { get; set; } = TimeSpan.FromMinutes(5);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TenantFor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an invalidation waits for others to share its Redis calls (well inside the one second in which
    /// every instance must see a change).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:00.500")]
    public TimeSpan InvalidationBatch { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Longest a Redis call may hold a request; past it the cache answers as a miss (reads go to the database).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:05")]
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After a failed Redis call the cache skips L2 this long, so a dead Redis costs one timeout, not one per request.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RedisRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Each invalidation is applied again after each of these delays: a request that missed just after the
    /// commit may have read a replica that had not yet replayed it, and stored the old answer after the first
    /// removal. A replica lagging less than the first delay is covered at once; a slower one (seconds, under
    /// load) by the later ones. Each repeat costs one recomputation of the entries it drops. Empty means
    /// <see cref="DefaultReapplyAfter"/> (an array default here would be appended to, not replaced, by configuration).
    /// </summary>
    public TimeSpan[] ReapplyAfter { get; set; } = [];

    public static readonly TimeSpan[] DefaultReapplyAfter = [TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10)];

    public IReadOnlyList<TimeSpan> ReapplyDelays => ReapplyAfter.Length > 0 ? ReapplyAfter : DefaultReapplyAfter;
}
