using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Analytics;
using BookingAws.Shared.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace BookingAws.Api.Features.Analytics;

public sealed record DailyFiguresDto(DateOnly Date, int Bookings, int Seats, long RevenueMinor, string Currency, int Cancellations, long BookedMinutes);

/// <summary>One package's figures over the asked range; <c>Name</c> and <c>Archived</c> as the catalogue has them now.</summary>
public sealed record PackageFiguresDto(
    Guid PackageId, string Name, bool Archived, int Bookings, int Seats, long RevenueMinor, string Currency, int Cancellations, long BookedMinutes);

public static class AnalyticsEndpoints
{
    public const int MaxRangeDays = 366;

    public static void MapAnalyticsEndpoints(this RouteGroupBuilder dashboard)
    {
        dashboard.MapGet("/analytics/daily", Daily).WithName("GetDailyAnalytics").WithTags("Analytics");
        dashboard.MapGet("/analytics/packages", Packages).WithName("GetPackageAnalytics").WithTags("Analytics");
    }

    /// <summary>
    /// Daily bookings, seats, revenue, cancellations and booked minutes for the dashboard's charts. Read
    /// from the projection the workers maintain on the replica, never from the booking tables, so heavy
    /// dashboards cannot slow down bookings.
    /// </summary>
    /// <remarks><paramref name="packageId"/> narrows the figures to one package (one of another business's simply has none).</remarks>
    public static async Task<Ok<List<DailyFiguresDto>>> Daily(
        DateOnly from, DateOnly to, TenantContext scope, ReadDbContext db, Guid? packageId = null, CancellationToken ct = default)
    {
        CheckRange(from, to);
        var figures = await AnalyticsQueries.DailyAsync(db, scope.Tenant.Id, LocalDate.FromDateOnly(from), LocalDate.FromDateOnly(to), packageId, ct);
        return TypedResults.Ok(figures
            .Select(f => new DailyFiguresDto(f.Date.ToDateOnly(), f.Bookings, f.Seats, f.RevenueMinor, scope.Tenant.Currency, f.Cancellations, f.BookedMinutes))
            .ToList());
    }

    /// <summary>
    /// Bookings, seats, revenue, cancellations and booked minutes per package over the range, from the same projection:
    /// every package booked in the range and every active one (at zero), busiest first, for comparing packages.
    /// </summary>
    public static async Task<Ok<List<PackageFiguresDto>>> Packages(DateOnly from, DateOnly to, TenantContext scope, ReadDbContext db, CancellationToken ct)
    {
        CheckRange(from, to);
        var figures = await AnalyticsQueries.PackagesAsync(db, scope.Tenant.Id, LocalDate.FromDateOnly(from), LocalDate.FromDateOnly(to), ct);
        return TypedResults.Ok(figures
            .Select(f => new PackageFiguresDto(
                f.PackageId, f.Name, f.Archived, f.Bookings, f.Seats, f.RevenueMinor, scope.Tenant.Currency, f.Cancellations, f.BookedMinutes))
            .ToList());
    }

    private static void CheckRange(DateOnly from, DateOnly to)
    {
        var days = to.DayNumber - from.DayNumber + 1;
        if (days < 1 || days > MaxRangeDays)
        {
            throw DomainException.Invalid("to", $"'to' must be on or after 'from' and at most {MaxRangeDays} days later.");
        }
    }
}
