using BookingAws.Shared.Data.Bookings;

namespace BookingAws.Shared.Application.Bookings;

/// <summary>Held bookings whose time ran out → expired, inventory freed (<see cref="Domain.Bookings.Booking.Expire"/>).</summary>
public sealed class ExpireHolds(BookingSweeps sweeps)
{
    /// <summary>Expires up to <paramref name="batchSize"/> lapsed holds; returns how many.</summary>
    public Task<int> RunAsync(int batchSize, CancellationToken ct) => sweeps.ExpireDueHoldsAsync(batchSize, ct);
}

/// <summary>Confirmed bookings whose end has passed → completed (<see cref="Domain.Bookings.Booking.Complete"/>).</summary>
public sealed class CompleteBookings(BookingSweeps sweeps)
{
    /// <summary>Completes up to <paramref name="batchSize"/> ended bookings; returns how many.</summary>
    public Task<int> RunAsync(int batchSize, CancellationToken ct) => sweeps.CompleteEndedAsync(batchSize, ct);
}
