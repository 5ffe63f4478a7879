using BookingAws.Shared.Messaging;
using NodaTime;

namespace BookingAws.Shared.Domain.Bookings;

/// <summary>The day-of rules: staff mark whether the customer of a confirmed booking came.</summary>
public sealed partial class Booking
{
    /// <summary>
    /// When attendance may be marked, in the business's <paramref name="zone"/>; null when the booking's state does not
    /// allow it at all. Only a booking that was confirmed counts: a completed one is a confirmed one the sweep saw end,
    /// and staff still mark it on the day.
    /// </summary>
    public AttendanceWindow? AttendanceWindowIn(DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (Status is not (BookingStatus.Confirmed or BookingStatus.Completed))
        {
            return null;
        }

        // The end of the booking's own day on the business's clock; a booking running past midnight keeps its end.
        var endOfDay = StartsAt.InZone(zone).Date.PlusDays(1).AtStartOfDayInZone(zone).ToInstant();
        return new AttendanceWindow(StartsAt - BookingAttendance.CheckInOpensBefore, StartsAt, Instant.Max(endOfDay, EndsAt));
    }

    /// <summary>
    /// Marks whether the customer came: <see cref="BookingAttendance.CheckedIn"/> from
    /// <see cref="BookingAttendance.CheckInOpensBefore"/> before the start, <see cref="BookingAttendance.NoShow"/> only once
    /// the booking has started, and <see cref="BookingAttendance.Expected"/> to undo either; all until the end of the
    /// booking's day in <paramref name="zone"/>. Only the business marks (<paramref name="markedBy"/>: the staff member or
    /// API key acting). Asking for the attendance the booking already has is refused as
    /// <see cref="BookingRefusal.AttendanceUnchanged"/>, which callers answer with the booking as it is.
    /// </summary>
    public BookingDecision<BookingAttendanceMarked> MarkAttendance(string attendance, Actor actor, Guid? markedBy, Instant now, DateTimeZone zone)
    {
        if (!BookingAttendance.IsKnown(attendance))
        {
            throw new ArgumentOutOfRangeException(nameof(attendance), attendance, "Not an attendance.");
        }

        if (actor != Actor.Business)
        {
            return Refuse<BookingAttendanceMarked>(new BookingRefusal.BusinessOnly());
        }

        if (AttendanceWindowIn(zone) is not { } window)
        {
            return Refuse<BookingAttendanceMarked>(new BookingRefusal.WrongState(Status));
        }

        if (attendance == Attendance)
        {
            return Refuse<BookingAttendanceMarked>(new BookingRefusal.AttendanceUnchanged());
        }

        if (now >= window.Until)
        {
            return Refuse<BookingAttendanceMarked>(new BookingRefusal.AttendanceClosed(window.Until));
        }

        var opens = attendance switch
        {
            BookingAttendance.CheckedIn => window.CheckInFrom,
            BookingAttendance.NoShow => window.NoShowFrom,
            _ => (Instant?)null,
        };
        if (opens is { } from && now < from)
        {
            return Refuse<BookingAttendanceMarked>(new BookingRefusal.AttendanceNotYet(attendance, from));
        }

        var next = Next(Status, now);
        next.attendance = attendance;
        next.attendanceMarkedAt = now;
        next.attendanceMarkedBy = markedBy;
        return new BookingDecision<BookingAttendanceMarked>.Accepted(
            next, new BookingAttendanceMarked(next.ToSnapshot(), attendance, Attendance, now.ToDateTimeOffset(), markedBy));
    }
}

/// <summary>
/// When staff may mark a booking's attendance: checked in from <paramref name="CheckInFrom"/>, a no-show from
/// <paramref name="NoShowFrom"/> (the start), either (or an undo) until <paramref name="Until"/> (exclusive: the end of
/// the booking's day on the business's clock, or its end if later).
/// </summary>
public sealed record AttendanceWindow(Instant CheckInFrom, Instant NoShowFrom, Instant Until);
