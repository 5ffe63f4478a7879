using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Analytics;
using BookingAws.Shared.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace BookingAws.Api.Features.Analytics;

public sealed record DailyFiguresDto(DateOnly Date, int Bookings, int Seats, long RevenueMinor, string Currency, int Cancellations, long BookedMinutes);

public static class AnalyticsEndpoints
{
    public const int MaxRangeDays = 366;

    public static void MapAnalyticsEndpoints(this RouteGroupBuilder dashboard) =>
        dashboard.MapGet("/analytics/daily", Daily).WithName("GetDailyAnalytics").WithTags("Analytics");

    /// <summary>
    /// Daily bookings, seats, revenue, cancellations and booked minutes for the dashboard's charts. Read
    /// from the projection the workers maintain on the replica, never from the booking tables, so heavy
    /// dashboards cannot slow down bookings.
    /// </summary>
    public static async Task<Ok<List<DailyFiguresDto>>> Daily(DateOnly from, DateOnly to, TenantContext scope, ReadDbContext db, CancellationToken ct)
    {
        var days = to.DayNumber - from.DayNumber + 1;
        if (days < 1 || days > MaxRangeDays)
        {
            throw DomainException.Invalid("to", $"'to' must be on or after 'from' and at most {MaxRangeDays} days later.");
        }

        var figures = await AnalyticsQueries.DailyAsync(db, scope.Tenant.Id, LocalDate.FromDateOnly(from), LocalDate.FromDateOnly(to), ct);
        return TypedResults.Ok(figures
            .Select(f => new DailyFiguresDto(f.Date.ToDateOnly(), f.Bookings, f.Seats, f.RevenueMinor, scope.Tenant.Currency, f.Cancellations, f.BookedMinutes))
            .ToList());
    }
}
