using System.ComponentModel.DataAnnotations;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Payments;
using BookingAws.Shared.Domain.Tenants;
using NodaTime;

namespace BookingAws.Api.Features.Bookings;

public sealed record GuestDetails(
    [Required, StringLength(200, MinimumLength = 1)] string Name,
    [Required, EmailAddress, StringLength(254)] string Email);

/// <summary>A hold request. <c>Customer</c> is for guest checkout; a signed-in customer leaves it out.</summary>
public sealed record HoldRequest(Guid PackageId, DateTimeOffset StartsAt, [Range(1, 1000)] int Seats, GuestDetails? Customer);

public sealed record CancelRequest([StringLength(500)] string? Reason);

public sealed record RescheduleRequest(DateTimeOffset StartsAt);

/// <summary>Whether the customer came: <c>checked-in</c>, <c>no-show</c>, or <c>expected</c> to undo a mark.</summary>
public sealed record AttendanceRequest(string? Status);

/// <summary>The six-digit code emailed to a guest's address when they booked.</summary>
public sealed record EmailProofRequest([Required, StringLength(12)] string Code);

/// <summary>
/// A booking as the API shows it. The deadlines are the booking model's, under the policy snapshotted
/// when it was made: until when its customer may cancel (a hold: until it lapses) or move it, null when
/// its state allows neither; a past deadline means the window has closed. <c>RefundIfCancelledMinor</c>
/// is what a cancellation by the customer would give back at the time of the response (null when the
/// customer can no longer cancel). <c>Refunds</c> are the money given back so far (empty when none).
/// <c>AwaitingEmailProof</c>: a guest's hold that waits for the code emailed to the guest; until it is entered the
/// booking cannot be paid or confirmed and is in no customer's history. <c>Attendance</c> is what staff marked on the
/// day (<c>expected</c>, <c>checked-in</c>, <c>no-show</c>), <c>AttendanceMarkedAt</c> when; <c>CheckInFrom</c> and
/// <c>AttendanceUntil</c> say when staff may mark it (a no-show from the start), null when the booking's state allows no mark.
/// <c>Business</c> and <c>PackageName</c> are given in a customer's own list (<c>/me/bookings</c>), which spans
/// businesses; null elsewhere.
/// </summary>
public sealed record BookingDto(
    Guid Id,
    string Status,
    Guid PackageId,
    Guid CustomerId,
    int Seats,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    DateTimeOffset StartsAtLocal,
    string TimeZone,
    DateTimeOffset? ExpiresAt,
    long AmountMinor,
    string Currency,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CancelledAt,
    string? PaymentIntentId,
    int? ReceiptNumber,
    DateTimeOffset? CancellableUntil = null,
    DateTimeOffset? ReschedulableUntil = null,
    long? RefundIfCancelledMinor = null,
    IReadOnlyList<RefundDto>? Refunds = null,
    bool AwaitingEmailProof = false,
    string Attendance = BookingAttendance.Expected,
    DateTimeOffset? AttendanceMarkedAt = null,
    DateTimeOffset? CheckInFrom = null,
    DateTimeOffset? AttendanceUntil = null,
    long? RefundableMinor = null,
    BookingBusinessDto? Business = null,
    string? PackageName = null)
{
    /// <summary><paramref name="currentPolicy"/> stands in for a booking written before snapshots existed.</summary>
    public static BookingDto From(Booking booking, string timeZone, BookingPolicy currentPolicy, Instant now, IReadOnlyList<RefundDto>? refunds = null)
    {
        var b = booking.WithPolicyOr(currentPolicy);
        var deadlines = b.DeadlinesFor(now);
        var zone = DateTimeZoneProviders.Tzdb[timeZone];
        var attendance = b.AttendanceWindowIn(zone);
        return new(
            b.Id,
            b.Status,
            b.PackageId,
            b.CustomerId,
            b.Seats,
            b.StartsAt.ToDateTimeOffset(),
            b.EndsAt.ToDateTimeOffset(),
            b.StartsAt.InZone(zone).ToDateTimeOffset(),
            timeZone,
            b.ExpiresAt?.ToDateTimeOffset(),
            b.AmountMinor,
            b.Currency,
            b.CreatedAt.ToDateTimeOffset(),
            b.CancelledAt?.ToDateTimeOffset(),
            b.PaymentIntentId,
            b.ReceiptNumber,
            deadlines.CancellableUntil?.ToDateTimeOffset(),
            deadlines.ReschedulableUntil?.ToDateTimeOffset(),
            deadlines.RefundIfCancelledMinor,
            refunds ?? [],
            b.AwaitsEmailProof,
            b.Attendance,
            b.AttendanceMarkedAt?.ToDateTimeOffset(),
            attendance?.CheckInFrom.ToDateTimeOffset(),
            attendance?.Until.ToDateTimeOffset());
    }
}

/// <summary>The business a booking is with, in a customer's own list (<c>/me/bookings</c>) that spans businesses.</summary>
public sealed record BookingBusinessDto(string Slug, string Name);

/// <summary>
/// One refund of a booking: how much, why (<c>Reason</c> a stable code, <c>Description</c> what the
/// customer is told), where it stands with Stripe (<c>pending</c> until Stripe accepts it, then Stripe's
/// status), and the version of the booking's policy snapshot it was decided under.
/// </summary>
public sealed record RefundDto(long AmountMinor, string Currency, string Reason, string Description, string Status, string? PolicyVersion, DateTimeOffset CreatedAt)
{
    public static RefundDto From(PaymentRefund r) =>
        new(r.AmountMinor, r.Currency.Trim(), r.Reason, BookingRefundReasons.Describe(r.Reason), r.Status, r.PolicyVersion, r.CreatedAt.ToDateTimeOffset());
}
