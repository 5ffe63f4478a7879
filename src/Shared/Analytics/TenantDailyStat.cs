using BookingAws.Shared.Domain;
using NodaTime;

namespace BookingAws.Shared.Analytics;

/// <summary>Per tenant, tenant-local day of the booking's start and package: figures the dashboard reads.
/// Written only by the analytics projection in the workers.</summary>
public sealed class TenantDailyStat : ITenantOwned
{
    public Guid TenantId { get; init; }
    public LocalDate Date { get; init; }
    public Guid PackageId { get; init; }
    public int Bookings { get; init; }
    public int Seats { get; init; }
    public long RevenueMinor { get; init; }
    public int Cancellations { get; init; }

    /// <summary>Minutes of booked time (duration × seats), for utilisation against opening hours.</summary>
    public long BookedMinutes { get; init; }
}

/// <summary>What one confirmed booking currently contributes to <see cref="TenantDailyStat"/>, so a cancellation or
/// reschedule can take exactly that back out.</summary>
public sealed class AnalyticsBooking : ITenantOwned
{
    public Guid BookingId { get; init; }
    public Guid TenantId { get; init; }
    public Guid PackageId { get; init; }
    public LocalDate Date { get; init; }
    public int Seats { get; init; }
    public long RevenueMinor { get; init; }
    public long BookedMinutes { get; init; }
}
