using BookingAws.Shared.Domain.Tenants;
using NodaTime;

namespace BookingAws.Shared.Domain.Bookings;

/// <summary>
/// The part of a business's <see cref="BookingPolicy"/> that is a term of one booking, copied onto it
/// when it is held: the windows a customer may change it in, the refund rule and the buffers that make
/// its occupied window. A later change of the business's policy applies to new bookings only. (Lead
/// time, horizon, slot step and hold minutes decide which slots are offered, so they stay live.)
/// </summary>
public sealed record PolicySnapshot(
    int BufferBeforeMinutes,
    int BufferAfterMinutes,
    int RescheduleWindowHours,
    int CancellationWindowHours,
    RefundRule RefundRule,
    int LateRefundPercent)
{
    public static PolicySnapshot Of(BookingPolicy policy) => new(
        policy.BufferBeforeMinutes,
        policy.BufferAfterMinutes,
        policy.RescheduleWindowHours,
        policy.CancellationWindowHours,
        policy.RefundRule,
        policy.LateRefundPercent);

    /// <summary>The window a booking from <paramref name="start"/> to <paramref name="end"/> keeps inventory busy.</summary>
    public OccupiedWindow Occupied(Instant start, Instant end) => OccupiedWindow.Of(start, end, BufferBeforeMinutes, BufferAfterMinutes);
}

/// <summary>Start − buffer before to end + buffer after: the span a booking's allocations cover.</summary>
public readonly record struct OccupiedWindow(Instant From, Instant To)
{
    /// <summary>The longest package the API accepts (14 days).</summary>
    public const int MaxDurationMinutes = 24 * 60 * 14;

    /// <summary>The longest buffer, before or after, a policy may set (a day).</summary>
    public const int MaxBufferMinutes = 24 * 60;

    /// <summary>
    /// No occupied window is longer (the longest package with both buffers at their longest; a check constraint on
    /// <c>booking_allocations</c> holds every row to it). So an allocation overlapping a window starts less than this
    /// before it, and the overlap reads bound their index scan from below: without it each read scanned every earlier
    /// allocation of the item, a cost that grew with a business's history.
    /// </summary>
    public static readonly Duration MaxSpan = Duration.FromMinutes(MaxDurationMinutes + (2 * MaxBufferMinutes));

    /// <summary>The earliest start of an allocation that can overlap this window.</summary>
    public Instant EarliestOverlappingFrom => From - MaxSpan;

    /// <summary>The one place the occupied window is computed (bookings, offered slots, availability).</summary>
    public static OccupiedWindow Of(Instant start, Instant end, int bufferBeforeMinutes, int bufferAfterMinutes) =>
        new(start - Duration.FromMinutes(bufferBeforeMinutes), end + Duration.FromMinutes(bufferAfterMinutes));
}
