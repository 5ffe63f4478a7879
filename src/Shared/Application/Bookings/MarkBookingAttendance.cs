using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Messaging;
using NodaTime;

namespace BookingAws.Shared.Application.Bookings;

/// <summary>What marking a booking's attendance came to. The API maps each case to one HTTP answer.</summary>
public abstract record AttendanceOutcome
{
    private AttendanceOutcome()
    {
    }

    /// <summary>The booking as it now is (unchanged, and nothing published, when it already had that attendance).</summary>
    public sealed record Done(Booking Booking) : AttendanceOutcome;

    public sealed record NotFound : AttendanceOutcome;

    public sealed record Refused(BookingRefusal Refusal) : AttendanceOutcome;
}

/// <summary>
/// Staff mark a confirmed booking checked in or a no-show (or undo it) on the day: the model decides whether the mark
/// is allowed now, on the business's clock; the mark and its event are written in one transaction.
/// </summary>
public sealed class MarkBookingAttendance(BookingChanges changes)
{
    public async Task<AttendanceOutcome> RunAsync(Guid tenantId, Guid bookingId, string attendance, Actor actor, Guid? markedBy, CancellationToken ct)
    {
        var now = changes.Now();
        await using var change = await changes.BeginAsync(tenantId, bookingId, ct);
        if (change is null)
        {
            return new AttendanceOutcome.NotFound();
        }

        var tenant = await change.TenantAsync(ct);
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(tenant.TimeZone) ?? DateTimeZone.Utc;
        switch (change.Booking.MarkAttendance(attendance, actor, markedBy, now, zone))
        {
            case BookingDecision<BookingAttendanceMarked>.Accepted accepted:
                change.Save(accepted, now);
                await change.CommitAsync(ct);
                return new AttendanceOutcome.Done(accepted.Booking);
            case BookingDecision<BookingAttendanceMarked>.Refused { Refusal: BookingRefusal.AttendanceUnchanged }:
                // A second click, or two people marking the same arrival: the answer is the state both wanted.
                return new AttendanceOutcome.Done(change.Booking);
            case BookingDecision<BookingAttendanceMarked>.Refused refused:
                return new AttendanceOutcome.Refused(refused.Refusal);
            default:
                throw new InvalidOperationException("Unknown decision.");
        }
    }
}
