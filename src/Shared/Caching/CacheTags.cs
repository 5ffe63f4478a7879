using NodaTime;

namespace BookingAws.Shared.Caching;

/// <summary>
/// Tag names, in one place so readers and writers agree. A tenant tag covers everything cached for the
/// business (tenant, catalogue, availability): catalogue, hours, closures, policy, inventory and package
/// edits drop it. Bookings drop only the UTC days their window touches: inventory is shared between
/// packages, so a day tag covers every package of the business.
/// </summary>
public static class CacheTags
{
    /// <summary>Channel on which every API instance hears invalidations made by any host.</summary>
    public const string Channel = "bookingaws:cache-invalidate";

    /// <summary>
    /// Margin, in days, between a range of local dates and the UTC days its slots may occupy: zone offsets
    /// (up to 14 h) plus a slot's duration and buffers (assumed under a day).
    /// </summary>
    public const int DayMargin = 2;

    public static string Tenant(Guid tenantId) => $"tenant:{tenantId:N}";

    public static string TenantSlug(string slug) => $"tenant-slug:{slug}";

    public static string AvailabilityDay(Guid tenantId, DateOnly utcDay) => $"availability:{tenantId:N}:{utcDay:yyyy-MM-dd}";

    /// <summary>The tags of availability for local dates <paramref name="from"/>..<paramref name="to"/>.</summary>
    public static List<string> ForAvailability(Guid tenantId, DateOnly from, DateOnly to)
    {
        var tags = new List<string>(to.DayNumber - from.DayNumber + 2 + (2 * DayMargin)) { Tenant(tenantId) };
        for (var d = from.AddDays(-DayMargin); d <= to.AddDays(DayMargin); d = d.AddDays(1))
        {
            tags.Add(AvailabilityDay(tenantId, d));
        }

        return tags;
    }

    /// <summary>The day tags a booking occupying <paramref name="from"/>..<paramref name="to"/> changes.</summary>
    public static IEnumerable<string> ForBookingWindow(Guid tenantId, Instant from, Instant to)
    {
        var first = DateOnly.FromDateTime(from.ToDateTimeUtc());
        var last = DateOnly.FromDateTime(to.ToDateTimeUtc());
        for (var d = first; d <= last; d = d.AddDays(1))
        {
            yield return AvailabilityDay(tenantId, d);
        }
    }
}
