using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Messaging;

namespace BookingAws.Shared.Application.Bookings;

/// <summary>Held or confirmed → cancelled, its inventory freed at once; the model decides who may, until when.</summary>
public sealed class CancelBooking(BookingChanges changes)
{
    /// <summary>
    /// Cancels for <paramref name="actor"/>. The refund this owes is the model's (<see cref="Booking.RefundOwed"/>
    /// on the cancelled booking); payments settle it after the commit.
    /// </summary>
    public Task<ChangeOutcome> RunAsync(Guid tenantId, Guid bookingId, Actor actor, string? reason, CancellationToken ct) =>
        ChangeAsync(tenantId, bookingId, (b, now) => b.Cancel(actor, now, reason), ct);

    /// <summary>The payment failed or was cancelled: a hold (and only a hold) is released at once.</summary>
    public Task<ChangeOutcome> ReleaseHoldAsync(Guid tenantId, Guid bookingId, string reason, CancellationToken ct) =>
        ChangeAsync(tenantId, bookingId, (b, now) => b.ReleaseHold(now, reason), ct);

    private async Task<ChangeOutcome> ChangeAsync(
        Guid tenantId, Guid bookingId, Func<Booking, NodaTime.Instant, BookingDecision<BookingCancelled>> decide, CancellationToken ct)
    {
        var now = changes.Now();
        await using var change = await changes.BeginAsync(tenantId, bookingId, ct);
        if (change is null)
        {
            return new ChangeOutcome.NotFound();
        }

        switch (decide(change.Booking, now))
        {
            case BookingDecision<BookingCancelled>.Accepted accepted:
                change.Save(accepted, now);
                change.ReleaseAllocations();
                await change.OfferFreedSeatsAsync(change.Booking.Occupied, now, ct);
                await change.CommitAsync(ct);
                return new ChangeOutcome.Done(accepted.Booking);
            case BookingDecision<BookingCancelled>.Refused refused:
                return ChangeOutcomes.From(refused.Refusal);
            default:
                throw new InvalidOperationException("Unknown decision.");
        }
    }
}
