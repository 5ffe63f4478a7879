using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;
using BookingAws.Shared.Messaging;
using NodaTime;

namespace BookingAws.Shared.Domain.Waitlists;

/// <summary>What an offer to a waiting entry made: the booking and the events to write with it (held and offered, or confirmed).</summary>
public sealed record WaitlistOfferDecision(Booking Booking, BookingHeld? Held, WaitlistOfferMade? Offered, BookingConfirmed? Confirmed);

/// <summary>The waiting list's rules: who may wait, and what an offer to the first in line makes.</summary>
public static class WaitlistRules
{
    /// <summary>
    /// A customer may join when their seats do not fit, or when others already wait for the slot (the free seats are
    /// theirs, so to a newcomer the slot is full). Otherwise the answer is to hold it.
    /// </summary>
    public static bool MayJoin(bool seatsFit, bool othersWaiting) => !seatsFit || othersWaiting;

    /// <summary>
    /// The booking made for <paramref name="entry"/> when its seats came free: exactly a hold made now (the policy
    /// snapshotted now, when the booking is made), held for the policy's offer minutes instead of its hold minutes.
    /// A guest's offer awaits the one-time code the offer email carries, so its <see cref="BookingHeld"/> asks for no
    /// separate code email. A free package for a signed-in customer is confirmed at once, as a hold would be: they
    /// asked for this slot, and the confirmation email is their notice.
    /// </summary>
    public static WaitlistOfferDecision Offer(
        Guid bookingId, WaitlistEntry entry, Slot slot, long unitPriceMinor, string currency, BookingPolicy policy, Instant now)
    {
        var made = Booking.Hold(
            bookingId,
            entry.TenantId,
            entry.PackageId,
            entry.CustomerId,
            entry.Seats,
            slot,
            unitPriceMinor,
            currency,
            policy with { HoldMinutes = policy.WaitlistOfferMinutes },
            now,
            entry.GuestMustProveEmail);
        if (made.Confirmed is { } confirmed)
        {
            return new WaitlistOfferDecision(made.Booking, null, null, confirmed);
        }

        var held = made.Held!;
        return new WaitlistOfferDecision(
            made.Booking, held with { EmailProofRequired = false }, new WaitlistOfferMade(held.Booking, entry.Id, held.ExpiresAt, entry.GuestMustProveEmail), null);
    }
}
