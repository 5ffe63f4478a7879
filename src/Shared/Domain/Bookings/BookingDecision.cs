using BookingAws.Shared.Messaging;
using NodaTime;

namespace BookingAws.Shared.Domain.Bookings;

/// <summary>
/// What the booking model answers to a request for a change: accepted (the booking as it is now, the
/// event to write to the outbox with it, and the refund owed because of it) or refused with a reason.
/// </summary>
public abstract record BookingDecision<TEvent>
    where TEvent : IBookingEvent
{
    private BookingDecision()
    {
    }

    public sealed record Accepted(Booking Booking, TEvent Event, long RefundOwedMinor = 0) : BookingDecision<TEvent>;

    public sealed record Refused(BookingRefusal Refusal) : BookingDecision<TEvent>;
}

/// <summary>Why the model refused a change.</summary>
public abstract record BookingRefusal
{
    private BookingRefusal()
    {
    }

    /// <summary>The booking's state does not allow it (cancelling an expired hold, confirming a cancelled one…).
    /// <paramref name="Status"/> is the state as the caller should see it: a lapsed hold not yet swept is "expired".</summary>
    public sealed record WrongState(string Status) : BookingRefusal;

    /// <summary>The customer's window (from the booking's policy snapshot) closed at <paramref name="Deadline"/>.</summary>
    public sealed record WindowClosed(Instant Deadline) : BookingRefusal;

    /// <summary>A sweep asked too early: the hold has not lapsed, or the booking has not ended.</summary>
    public sealed record NotDue : BookingRefusal;

    /// <summary>A guest's booking cannot be confirmed or paid before the guest proves the address.</summary>
    public sealed record EmailNotProven : BookingRefusal;

    /// <summary>A code was sent for a booking that has no address waiting to be proven (or has proven it already).</summary>
    public sealed record NothingToProve : BookingRefusal;

    /// <summary>Only the business's staff mark attendance; the customer (or the system) may not.</summary>
    public sealed record BusinessOnly : BookingRefusal;

    /// <summary>The booking already has the attendance asked for: nothing to change, nothing to publish.</summary>
    public sealed record AttendanceUnchanged : BookingRefusal;

    /// <summary><paramref name="Attendance"/> may be marked only from <paramref name="From"/> (check-in an hour before the start, a no-show once it started).</summary>
    public sealed record AttendanceNotYet(string Attendance, Instant From) : BookingRefusal;

    /// <summary>Attendance could be marked until <paramref name="Until"/>, the end of the booking's day, which has passed.</summary>
    public sealed record AttendanceClosed(Instant Until) : BookingRefusal;
}

/// <summary>
/// The model's answer to a proven address: the booking with the address proven and, for a free booking, its
/// confirmation (written like any other); or a refusal.
/// </summary>
public abstract record EmailProofDecision
{
    private EmailProofDecision()
    {
    }

    public sealed record Accepted(Booking Booking, BookingDecision<BookingConfirmed>.Accepted? Confirmed) : EmailProofDecision;

    public sealed record Refused(BookingRefusal Refusal) : EmailProofDecision;
}

/// <summary>A new booking and its first event: a hold (<see cref="BookingHeld"/>) or, for a free package, a confirmation.</summary>
public sealed record NewBooking(Booking Booking, BookingHeld? Held, BookingConfirmed? Confirmed);

/// <summary>
/// What a customer looking at a booking may still do, and until when; null when the booking's state
/// does not allow it at all. A deadline in the past means the window has closed. The refund is what a
/// cancellation by the customer at the instant asked about would give back.
/// </summary>
public sealed record BookingDeadlines(Instant? CancellableUntil, Instant? ReschedulableUntil, long? RefundIfCancelledMinor);
