using System.ComponentModel.DataAnnotations;
using BookingAws.Shared.Domain.Bookings;
using NodaTime;

namespace BookingAws.Api.Features.Bookings;

public sealed record GuestDetails(
    [Required, StringLength(200, MinimumLength = 1)] string Name,
    [Required, EmailAddress, StringLength(254)] string Email);

/// <summary>A hold request. <c>Customer</c> is for guest checkout; a signed-in customer leaves it out.</summary>
public sealed record HoldRequest(Guid PackageId, DateTimeOffset StartsAt, [Range(1, 1000)] int Seats, GuestDetails? Customer);

public sealed record CancelRequest([StringLength(500)] string? Reason);

public sealed record RescheduleRequest(DateTimeOffset StartsAt);

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
    int? ReceiptNumber)
{
    public static BookingDto From(Booking b, string timeZone) => new(
        b.Id,
        b.Status,
        b.PackageId,
        b.CustomerId,
        b.Seats,
        b.StartsAt.ToDateTimeOffset(),
        b.EndsAt.ToDateTimeOffset(),
        b.StartsAt.InZone(DateTimeZoneProviders.Tzdb[timeZone]).ToDateTimeOffset(),
        timeZone,
        b.ExpiresAt?.ToDateTimeOffset(),
        b.AmountMinor,
        b.Currency,
        b.CreatedAt.ToDateTimeOffset(),
        b.CancelledAt?.ToDateTimeOffset(),
        b.PaymentIntentId,
        b.ReceiptNumber);
}
