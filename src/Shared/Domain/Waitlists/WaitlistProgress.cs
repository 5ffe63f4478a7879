using BookingAws.Shared.Domain.Bookings;

namespace BookingAws.Shared.Domain.Waitlists;

/// <summary>
/// Where a waiting-list entry stands as the business follows it. The entry itself only knows it was offered; what
/// became of the offer is its held booking's state: still held (offered, until the hold lapses), confirmed or
/// completed (accepted), expired (the offer ran out and passed to the next in line), or cancelled.
/// </summary>
public static class WaitlistProgress
{
    public const string Accepted = "accepted";
    public const string Expired = "expired";
    public const string Cancelled = "cancelled";

    public static string Of(string entryStatus, string? offerStatus) =>
        entryStatus != WaitlistStatus.Offered || offerStatus is null
            ? entryStatus
            : offerStatus switch
            {
                BookingStatus.Confirmed or BookingStatus.Completed => Accepted,
                BookingStatus.Expired => Expired,
                BookingStatus.Cancelled => Cancelled,
                _ => WaitlistStatus.Offered,
            };
}
