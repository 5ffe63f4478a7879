namespace BookingAws.Shared.Messaging;

/// <summary>
/// A seat came free and was held for the first fitting entry of a waiting list: the customer is emailed the offer
/// (a link to the held booking, and for a guest the one-time code that proves the address, issue 13's proof).
/// The held booking's own <see cref="BookingHeld"/> goes with it, for analytics and live availability.
/// </summary>
public sealed record WaitlistOfferMade(BookingSnapshot Booking, Guid EntryId, DateTimeOffset ExpiresAt, bool EmailProofRequired) : IBookingEvent
{
    public static string WireName => "waitlist.offer-made.v1";

    public Guid TenantId => Booking.TenantId;

    public Guid BookingId => Booking.BookingId;
}
