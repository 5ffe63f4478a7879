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

/// <summary>
/// A waiting-list entry as the business's staff follow it. <c>Status</c>: <c>waiting</c>; <c>offered</c> (a place is
/// held for them until <c>OfferExpiresAt</c>); then what became of the offer, <c>accepted</c>, <c>expired</c> (it
/// passed to the next in line) or <c>cancelled</c>; or <c>left</c>, <c>closed</c> (the slot went before a place came
/// free). <c>Position</c>: 1 is next in line among those waiting for the same slot and package (0 once not waiting).
/// </summary>
public sealed record BusinessWaitlistEntryDto(
    Guid Id,
    Guid PackageId,
    string PackageName,
    DateTimeOffset StartsAt,
    DateTimeOffset StartsAtLocal,
    Guid CustomerId,
    string CustomerName,
    string CustomerEmail,
    int Seats,
    string Status,
    int Position,
    DateTimeOffset JoinedAt,
    Guid? BookingId,
    DateTimeOffset? OfferExpiresAt);
