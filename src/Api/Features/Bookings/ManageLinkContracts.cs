using BookingAws.Api.Features.Availability;
using BookingAws.Shared.Domain.Bookings;

namespace BookingAws.Api.Features.Bookings;

/// <summary>
/// A booking as its "manage" link shows it: the booking (with the customer's deadlines), whose it is, the
/// booking's cancellation and reschedule deadlines under its policy snapshot whatever its state, and until when
/// the link itself opens. Whoever holds the email sees it, so it carries no internal id: the booking is named by
/// its reference (as in the emails), the business by its public slug, the service by its name.
/// </summary>
public sealed record ManagedBookingDto(
    ManagedBooking Booking,
    string BusinessSlug,
    string BusinessName,
    string PackageName,
    DateTimeOffset CancelUntil,
    DateTimeOffset RescheduleUntil,
    DateTimeOffset LinkExpiresAt);

/// <summary><see cref="BookingDto"/> without the booking, package, customer and payment ids.</summary>
public sealed record ManagedBooking(
    string Reference,
    string Status,
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
    int? ReceiptNumber,
    DateTimeOffset? CancellableUntil,
    DateTimeOffset? ReschedulableUntil,
    long? RefundIfCancelledMinor)
{
    public static ManagedBooking From(BookingDto b)
    {
        ArgumentNullException.ThrowIfNull(b);
        return new(
            BookingReference.For(b.Id),
            b.Status,
            b.Seats,
            b.StartsAt,
            b.EndsAt,
            b.StartsAtLocal,
            b.TimeZone,
            b.ExpiresAt,
            b.AmountMinor,
            b.Currency,
            b.CreatedAt,
            b.CancelledAt,
            b.ReceiptNumber,
            b.CancellableUntil,
            b.ReschedulableUntil,
            b.RefundIfCancelledMinor);
    }
}

/// <summary>The times the booking's own service could move to: <see cref="AvailabilityDto"/> without the package id.</summary>
public sealed record ManagedAvailabilityDto(string TimeZone, DateOnly From, DateOnly To, IReadOnlyList<SlotDto> Slots, string? WholeItemName = null);
