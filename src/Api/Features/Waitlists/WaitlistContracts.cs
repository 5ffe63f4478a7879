using System.ComponentModel.DataAnnotations;
using BookingAws.Api.Features.Bookings;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Waitlists;

namespace BookingAws.Api.Features.Waitlists;

/// <summary>Join the waiting list of a full slot. <c>Customer</c> is for guests; a signed-in customer leaves it out.</summary>
public sealed record JoinWaitlistRequest(Guid PackageId, DateTimeOffset StartsAt, [Range(1, 1000)] int Seats, GuestDetails? Customer);

/// <summary>
/// A waiting-list entry. <c>Position</c>: 1 is next in line (0 once not waiting). <c>Token</c> (only in the answer to
/// joining) opens the entry later in the <c>X-Waitlist-Token</c> header. Once offered, <c>BookingId</c> is the held
/// booking and <c>BookingToken</c> its manage-link token (<c>X-Booking-Token</c>): pay for it, prove the address, or cancel.
/// </summary>
public sealed record WaitlistEntryDto(
    Guid Id,
    Guid PackageId,
    DateTimeOffset StartsAt,
    int Seats,
    string Status,
    int Position,
    Guid? BookingId,
    string? BookingToken,
    DateTimeOffset CreatedAt,
    string? Token)
{
    public static WaitlistEntryDto From(WaitlistEntryView view, BookingLinks links, bool withToken)
    {
        var e = view.Entry;
        return new(
            e.Id,
            e.PackageId,
            e.StartsAt.ToDateTimeOffset(),
            e.Seats,
            e.Status,
            view.Position,
            e.BookingId,
            e.BookingId is { } booking ? links.TokenFor(booking) : null,
            e.CreatedAt.ToDateTimeOffset(),
            withToken ? links.TokenFor(e.Id) : null);
    }
}
