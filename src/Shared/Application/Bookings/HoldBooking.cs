using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;

namespace BookingAws.Shared.Application.Bookings;

/// <summary>
/// Hold a slot: the one use case whose load, decision and write are interleaved inside a single
/// transaction of two round trips (<see cref="HoldTransaction"/>), because it is the hot path; the
/// booking itself is still the model's (<see cref="Booking.Hold"/>).
/// </summary>
public sealed class HoldBooking(HoldTransaction hold)
{
    /// <summary><paramref name="renderResponse"/> makes the stored idempotent answer from the new booking.</summary>
    public Task<HoldOutcome> RunAsync(HoldCommand command, Func<Booking, Tenant, string> renderResponse, CancellationToken ct) =>
        hold.RunAsync(command, renderResponse, ct);
}
