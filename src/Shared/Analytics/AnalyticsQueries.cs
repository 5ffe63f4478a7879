using BookingAws.Shared.Data;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Shared.Analytics;

public sealed record DailyFigures(LocalDate Date, int Bookings, int Seats, long RevenueMinor, int Cancellations, long BookedMinutes);

/// <summary>One package's totals over a range; <paramref name="Name"/> and <paramref name="Archived"/> as the catalogue has them now.</summary>
public sealed record PackageFigures(Guid PackageId, string Name, bool Archived, int Bookings, int Seats, long RevenueMinor, int Cancellations, long BookedMinutes);

public static class AnalyticsQueries
{
    /// <summary>Daily totals over all packages, or over <paramref name="packageId"/> alone, for <paramref name="from"/>..<paramref name="to"/>
    /// (inclusive, tenant-local dates), from the projection on the replica. Days without activity are absent.</summary>
    public static async Task<IReadOnlyList<DailyFigures>> DailyAsync(
        ReadDbContext db, Guid tenantId, LocalDate from, LocalDate to, Guid? packageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = db.TenantDailyStats
            .IgnoreQueryFilters()
            .Where(s => s.TenantId == tenantId && s.Date >= from && s.Date <= to);
        if (packageId is { } package)
        {
            rows = rows.Where(s => s.PackageId == package);
        }

        return await rows
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

    /// <summary>
    /// Totals per package over the range, for comparing packages: every package with figures in the range (archived ones
    /// too: their bookings happened) and every active package, at zero when nothing was booked. Busiest first.
    /// </summary>
    public static async Task<IReadOnlyList<PackageFigures>> PackagesAsync(ReadDbContext db, Guid tenantId, LocalDate from, LocalDate to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var figures = await db.TenantDailyStats
            .IgnoreQueryFilters()
            .Where(s => s.TenantId == tenantId && s.Date >= from && s.Date <= to)
            .GroupBy(s => s.PackageId)
            .Select(g => new
            {
                PackageId = g.Key,
                Bookings = g.Sum(s => s.Bookings),
                Seats = g.Sum(s => s.Seats),
                RevenueMinor = g.Sum(s => s.RevenueMinor),
                Cancellations = g.Sum(s => s.Cancellations),
                BookedMinutes = g.Sum(s => s.BookedMinutes),
            })
            .ToDictionaryAsync(f => f.PackageId, cancellationToken);
        var booked = figures.Keys.ToList();
        var packages = await db.Packages
            .IgnoreQueryFilters()
            .Where(p => p.TenantId == tenantId && (!p.Archived || booked.Contains(p.Id)))
            .Select(p => new { p.Id, p.Name, p.Archived })
            .ToListAsync(cancellationToken);
        return packages
            .Select(p => figures.TryGetValue(p.Id, out var f)
                ? new PackageFigures(p.Id, p.Name, p.Archived, f.Bookings, f.Seats, f.RevenueMinor, f.Cancellations, f.BookedMinutes)
                : new PackageFigures(p.Id, p.Name, p.Archived, 0, 0, 0, 0, 0))
            .OrderByDescending(p => p.Bookings)
            .ThenByDescending(p => p.RevenueMinor)
            .ThenBy(p => p.Name, StringComparer.CurrentCulture)
            .ThenBy(p => p.PackageId)
            .ToList();
    }
}
