using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Data.Waitlists;
using BookingAws.Shared.Domain.Bookings;

namespace BookingAws.Shared.Application.Bookings;

/// <summary>
/// Held bookings whose time ran out → expired, inventory freed (<see cref="Domain.Bookings.Booking.Expire"/>), and the
/// freed seats offered to their packages' waiting lists (a lapsed offer's seat goes to the next in line).
/// </summary>
public sealed class ExpireHolds(BookingSweeps sweeps, WaitlistStore waitlists)
{
    /// <summary>
    /// Expires up to <paramref name="batchSize"/> lapsed holds; returns how many. The offers follow the expiry's commit,
    /// one transaction per package under its hold locks: one batch spans many businesses, and taking every package's
    /// locks in it would stall their holds and risk lock-order deadlocks between packages that share items. Nobody can
    /// take the seats in between: a hold is refused while anyone waits for its slot.
    /// </summary>
    public async Task<int> RunAsync(int batchSize, CancellationToken ct)
    {
        var expired = await sweeps.ExpireDueAsync(batchSize, ct);
        foreach (var package in expired.GroupBy(b => (b.TenantId, b.PackageId)))
        {
            var freed = new OccupiedWindow(package.Min(b => b.Occupied.From), package.Max(b => b.Occupied.To));
            await waitlists.OfferAsync(package.Key.TenantId, package.Key.PackageId, freed, ct);
        }

        return expired.Count;
    }
}

/// <summary>Confirmed bookings whose end has passed → completed (<see cref="Domain.Bookings.Booking.Complete"/>).</summary>
public sealed class CompleteBookings(BookingSweeps sweeps)
{
    /// <summary>Completes up to <paramref name="batchSize"/> ended bookings; returns how many.</summary>
    public Task<int> RunAsync(int batchSize, CancellationToken ct) => sweeps.CompleteEndedAsync(batchSize, ct);
}
