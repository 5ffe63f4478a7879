using BookingAws.Shared.Data;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Shared.Analytics;

public sealed record DailyFigures(LocalDate Date, int Bookings, int Seats, long RevenueMinor, int Cancellations, long BookedMinutes);

public static class AnalyticsQueries
{
    /// <summary>Daily totals over all packages for <paramref name="from"/>..<paramref name="to"/> (inclusive, tenant-local
    /// dates), from the projection on the replica. Days without activity are absent.</summary>
    public static async Task<IReadOnlyList<DailyFigures>> DailyAsync(ReadDbContext db, Guid tenantId, LocalDate from, LocalDate to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.TenantDailyStats
            .IgnoreQueryFilters()
            .Where(s => s.TenantId == tenantId && s.Date >= from && s.Date <= to)
            .GroupBy(s => s.Date)
            .OrderBy(g => g.Key)
            .Select(g => new DailyFigures(
                g.Key,
                g.Sum(s => s.Bookings),
                g.Sum(s => s.Seats),
                g.Sum(s => s.RevenueMinor),
                g.Sum(s => s.Cancellations),
                g.Sum(s => s.BookedMinutes)))
            .ToListAsync(cancellationToken);
    }
}
