using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Messaging;
using NodaTime;
using static BookingAws.Shared.Tests.Bookings.BookingModel;

namespace BookingAws.Shared.Tests.Bookings;

/// <summary>Marking whether the customer came: who may, which bookings, and when, on the business's clock.</summary>
public sealed class BookingAttendanceTests
{
    private static readonly Duration Tick = Duration.FromTicks(10);
    private static readonly Guid Staff = Guid.NewGuid();

    // Start is 12:00 UTC on 3 March 2030, a 60-minute slot.
    private static readonly DateTimeZone Utc = DateTimeZone.Utc;

    [Fact]
    public void Check_in_opens_an_hour_before_the_start_and_not_a_moment_earlier()
    {
        var booking = Confirmed();
        var opens = Start - Duration.FromHours(1);

        var early = Refusal<BookingAttendanceMarked, BookingRefusal.AttendanceNotYet>(Mark(booking, BookingAttendance.CheckedIn, opens - Tick));
        var accepted = Accept(Mark(booking, BookingAttendance.CheckedIn, opens));

        Assert.Equal(new BookingRefusal.AttendanceNotYet(BookingAttendance.CheckedIn, opens), early);
        Assert.Equal((BookingAttendance.CheckedIn, opens, Staff), (accepted.Booking.Attendance, accepted.Booking.AttendanceMarkedAt!.Value, accepted.Booking.AttendanceMarkedBy!.Value));
        Assert.Equal(BookingAttendance.Expected, booking.Attendance);
    }

    [Fact]
    public void A_no_show_is_marked_only_once_the_booking_has_started()
    {
        var booking = Confirmed();

        Assert.Equal(Start, Refusal<BookingAttendanceMarked, BookingRefusal.AttendanceNotYet>(Mark(booking, BookingAttendance.NoShow, Start - Tick)).From);
        Assert.Equal(BookingAttendance.NoShow, Accept(Mark(booking, BookingAttendance.NoShow, Start)).Booking.Attendance);
    }

    [Fact]
    public void Marks_close_at_the_end_of_the_bookings_day_on_the_businesss_clock()
    {
        var booking = Confirmed();
        var midnightUtc = Instant.FromUtc(2030, 3, 4, 0, 0);

        // 12:00 UTC is 01:00 the next day in Auckland (UTC+13 in March): that day ends 23 hours later.
        var auckland = DateTimeZoneProviders.Tzdb["Pacific/Auckland"];
        var aucklandMidnight = Instant.FromUtc(2030, 3, 4, 11, 0);

        Assert.Equal(BookingAttendance.CheckedIn, Accept(Mark(booking, BookingAttendance.CheckedIn, midnightUtc - Tick)).Booking.Attendance);
        Assert.Equal(midnightUtc, Refusal<BookingAttendanceMarked, BookingRefusal.AttendanceClosed>(Mark(booking, BookingAttendance.CheckedIn, midnightUtc)).Until);
        Assert.Equal(BookingAttendance.NoShow, Accept(booking.MarkAttendance(BookingAttendance.NoShow, Actor.Business, Staff, aucklandMidnight - Tick, auckland)).Booking.Attendance);
        Assert.Equal(aucklandMidnight, booking.AttendanceWindowIn(auckland)!.Until);
    }

    [Fact]
    public void A_booking_that_runs_past_midnight_can_be_marked_until_it_ends()
    {
        var late = Confirmed(start: Instant.FromUtc(2030, 3, 3, 23, 30));

        Assert.Equal(Instant.FromUtc(2030, 3, 4, 0, 30), late.AttendanceWindowIn(Utc)!.Until);
        Assert.Equal(BookingAttendance.NoShow, Accept(Mark(late, BookingAttendance.NoShow, Instant.FromUtc(2030, 3, 4, 0, 15))).Booking.Attendance);
    }

    [Fact]
    public void A_mark_is_undone_to_expected_or_changed_and_the_event_says_from_what()
    {
        var checkedIn = Accept(Mark(Confirmed(), BookingAttendance.CheckedIn, Start - Duration.FromMinutes(5))).Booking;

        var undone = Accept(Mark(checkedIn, BookingAttendance.Expected, Start + Duration.FromMinutes(1)));
        var noShow = Accept(Mark(undone.Booking, BookingAttendance.NoShow, Start + Duration.FromMinutes(2)));

        Assert.Equal((BookingAttendance.Expected, BookingAttendance.CheckedIn), (undone.Event.Attendance, undone.Event.PreviousAttendance));
        Assert.Equal((BookingAttendance.NoShow, BookingAttendance.Expected), (noShow.Event.Attendance, noShow.Event.PreviousAttendance));
        Assert.Equal((Start + Duration.FromMinutes(2)).ToDateTimeOffset(), noShow.Event.MarkedAt);
        Assert.Equal(Staff, noShow.Event.MarkedBy);
        Assert.Equal((noShow.Booking.Id, BookingStatus.Confirmed), (noShow.Event.BookingId, noShow.Event.Booking.Status));
        Assert.Equal("booking.attendance-marked.v1", BookingAttendanceMarked.WireName);
    }

    [Fact]
    public void Asking_for_the_attendance_it_already_has_changes_nothing()
    {
        var checkedIn = Accept(Mark(Confirmed(), BookingAttendance.CheckedIn, Start)).Booking;

        Refusal<BookingAttendanceMarked, BookingRefusal.AttendanceUnchanged>(Mark(checkedIn, BookingAttendance.CheckedIn, Start + Duration.FromMinutes(1)));
        Refusal<BookingAttendanceMarked, BookingRefusal.AttendanceUnchanged>(Mark(Confirmed(), BookingAttendance.Expected, Start));
    }

    [Fact]
    public void A_booking_moved_to_another_time_is_expected_again_there()
    {
        var noShow = Accept(Mark(Confirmed(), BookingAttendance.NoShow, Start + Duration.FromMinutes(5))).Booking;

        var moved = Accept(noShow.Reschedule(Actor.Business, Start + Duration.FromMinutes(10), SlotAt(Start + Duration.FromDays(7)))).Booking;

        Assert.Equal((BookingAttendance.Expected, (Instant?)null, (Guid?)null), (moved.Attendance, moved.AttendanceMarkedAt, moved.AttendanceMarkedBy));
    }

    [Fact]
    public void A_completed_booking_is_still_marked_on_its_day()
    {
        var completed = Accept(Confirmed().Complete(Start + Duration.FromHours(1))).Booking;

        Assert.Equal(BookingAttendance.NoShow, Accept(Mark(completed, BookingAttendance.NoShow, Start + Duration.FromHours(2))).Booking.Attendance);
    }

    [Theory]
    [InlineData(BookingStatus.Held)]
    [InlineData(BookingStatus.Cancelled)]
    [InlineData(BookingStatus.Expired)]
    public void Only_a_confirmed_booking_is_marked(string status)
    {
        var booking = status switch
        {
            BookingStatus.Held => Held(),
            BookingStatus.Cancelled => Accept(Confirmed().Cancel(Actor.Business, Now, null)).Booking,
            _ => Accept(Held().Expire(Start)).Booking,
        };

        Assert.Equal(status, Refusal<BookingAttendanceMarked, BookingRefusal.WrongState>(Mark(booking, BookingAttendance.CheckedIn, Start)).Status);
        Assert.Null(booking.AttendanceWindowIn(Utc));
    }

    [Theory]
    [InlineData(Actor.Customer)]
    [InlineData(Actor.System)]
    public void Only_the_business_marks(Actor actor)
    {
        Assert.IsType<BookingRefusal.BusinessOnly>(
            Assert.IsType<BookingDecision<BookingAttendanceMarked>.Refused>(Confirmed().MarkAttendance(BookingAttendance.CheckedIn, actor, null, Start, Utc)).Refusal);
    }

    [Fact]
    public void An_unknown_attendance_is_a_programming_error_not_a_refusal()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Confirmed().MarkAttendance("arrived", Actor.Business, Staff, Start, Utc));
    }

    private static BookingDecision<BookingAttendanceMarked> Mark(Booking booking, string attendance, Instant at) =>
        booking.MarkAttendance(attendance, Actor.Business, Staff, at, Utc);
}
