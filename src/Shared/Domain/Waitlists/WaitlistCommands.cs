using BookingAws.Shared.Domain.Bookings;
using NodaTime;

namespace BookingAws.Shared.Domain.Waitlists;

/// <summary>
/// Join a slot's waiting list. <paramref name="Customer"/> carries the email (a guest's as typed, a signed-in
/// person's own); <paramref name="GuestMustProveEmail"/> when it is not the signed-in person's proven address.
/// </summary>
public sealed record JoinWaitlistCommand(string TenantSlug, Guid PackageId, Instant StartsAt, int Seats, BookingCustomer Customer, bool GuestMustProveEmail);

/// <summary>An entry as its customer sees it: <paramref name="Position"/> counts from 1 among those waiting (0 when not waiting).</summary>
public sealed record WaitlistEntryView(WaitlistEntry Entry, int Position, string TimeZone);

public abstract record JoinWaitlistOutcome
{
    private JoinWaitlistOutcome()
    {
    }

    public sealed record Joined(WaitlistEntryView View) : JoinWaitlistOutcome;

    public sealed record TenantNotFound : JoinWaitlistOutcome;

    public sealed record PackageNotFound : JoinWaitlistOutcome;

    public sealed record SeatsOutOfRange(int MaxSeats) : JoinWaitlistOutcome;

    public sealed record SlotNotOffered : JoinWaitlistOutcome;

    /// <summary>The seats fit and nobody waits: hold the slot instead.</summary>
    public sealed record SeatsAvailable : JoinWaitlistOutcome;

    /// <summary>This email already waits for this slot.</summary>
    public sealed record AlreadyWaiting : JoinWaitlistOutcome;
}

public abstract record LeaveWaitlistOutcome
{
    private LeaveWaitlistOutcome()
    {
    }

    public sealed record Left(WaitlistEntryView View) : LeaveWaitlistOutcome;

    public sealed record NotFound : LeaveWaitlistOutcome;

    /// <summary>The entry is no longer waiting (offered: cancel the offered booking instead; or closed).</summary>
    public sealed record NotWaiting(WaitlistEntryView View) : LeaveWaitlistOutcome;
}
