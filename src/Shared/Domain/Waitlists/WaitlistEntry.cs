using NodaTime;

namespace BookingAws.Shared.Domain.Waitlists;

/// <summary>Waiting → offered (a held booking made for the entry), or → left / closed. Stored as lower-case text.</summary>
public static class WaitlistStatus
{
    public const string Waiting = "waiting";

    /// <summary>A seat came free and a held booking (<see cref="WaitlistEntry.BookingId"/>) was made for the entry.</summary>
    public const string Offered = "offered";

    /// <summary>The customer left the list.</summary>
    public const string Left = "left";

    /// <summary>The slot started or stopped being offered before a seat came free.</summary>
    public const string Closed = "closed";
}

/// <summary>
/// A customer waiting for a full slot of a package. Entries of one (business, package, slot start) are served in
/// join order; a customer (one email) has at most one waiting entry per slot. When seats come free the first entry
/// that fits gets a held booking for the business's offer minutes; while anyone waits, nobody else can hold the slot.
/// </summary>
public sealed class WaitlistEntry : ITenantOwned
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public Guid PackageId { get; init; }
    public Guid CustomerId { get; init; }
    public Instant StartsAt { get; init; }
    public int Seats { get; init; }
    public required string Status { get; set; }

    /// <summary>A guest's entry: the offer's hold awaits the one-time code the offer email carries (issue 13's proof).</summary>
    public bool GuestMustProveEmail { get; init; }

    public Instant CreatedAt { get; init; }
    public Instant UpdatedAt { get; set; }

    /// <summary>The held booking made when the entry was offered.</summary>
    public Guid? BookingId { get; set; }
}
