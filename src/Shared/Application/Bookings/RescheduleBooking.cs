using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Messaging;
using NodaTime;

namespace BookingAws.Shared.Application.Bookings;

/// <summary>
/// Moves a confirmed booking to another offered slot in one transaction: the new window's capacity is
/// checked and taken under the same locks as a hold before the old window is let go, so a failure leaves
/// the booking exactly as it was. Which slots are offered follows the business's current policy; the
/// booking keeps its own snapshot (windows, refund rule, buffers).
/// </summary>
public sealed class RescheduleBooking(BookingChanges changes)
{
    public async Task<ChangeOutcome> RunAsync(Guid tenantId, Guid bookingId, Instant newStart, Actor actor, CancellationToken ct)
    {
        var now = changes.Now();
        await using var change = await changes.BeginAsync(tenantId, bookingId, ct);
        if (change is null)
        {
            return new ChangeOutcome.NotFound();
        }

        var booking = change.Booking;
        if (booking.RescheduleRefusal(actor, now) is { } refusal)
        {
            return ChangeOutcomes.From(refusal);
        }

        var tenant = await change.TenantAsync(ct);
        var catalog = await change.CatalogAsync(tenant, newStart, ct);
        if (catalog.Package is null || catalog.OfferedSlot(newStart, now) is not { } slot)
        {
            return new ChangeOutcome.SlotNotOffered();
        }

        var accepted = (BookingDecision<BookingRescheduled>.Accepted)booking.Reschedule(actor, now, slot);
        var window = accepted.Booking.Occupied;
        if (await change.TakeCapacityAsync(catalog, window, now, ct) is not { } uses)
        {
            return new ChangeOutcome.NoCapacity();
        }

        change.Save(accepted, now);
        change.ReplaceAllocations(accepted.Booking, uses, window);

        // The old window's seats went back: the waiting list of the slot moved away from gets them first.
        await change.OfferFreedSeatsAsync(booking.Occupied, now, ct);
        await change.CommitAsync(ct);
        return new ChangeOutcome.Done(accepted.Booking);
    }
}
