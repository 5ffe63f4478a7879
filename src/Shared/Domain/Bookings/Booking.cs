using NodaTime;

namespace BookingAws.Shared.Domain.Bookings;

/// <summary>Held → Confirmed → Completed, or → Cancelled / Expired. Stored as lower-case text.</summary>
public static class BookingStatus
{
    public const string Held = "held";
    public const string Confirmed = "confirmed";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";
}

/// <summary>
/// A customer's claim on a slot. Written only through <c>BookingStore</c> (raw SQL, one serialised unit
/// per inventory item); mapped here so queries and migrations see it.
/// </summary>
public sealed class Booking : ITenantOwned
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public Guid PackageId { get; init; }
    public Guid CustomerId { get; init; }
    public required string Status { get; init; }
    public int Seats { get; init; }
    public Instant StartsAt { get; init; }
    public Instant EndsAt { get; init; }

    /// <summary>When a hold lapses; null once confirmed.</summary>
    public Instant? ExpiresAt { get; init; }

    public long AmountMinor { get; init; }
    public required string Currency { get; init; }
    public Instant CreatedAt { get; init; }
    public Instant UpdatedAt { get; init; }
    public Instant? ConfirmedAt { get; init; }
    public Instant? CancelledAt { get; init; }
    public string? CancelledBy { get; init; }
    public string? CancelReason { get; init; }
    public string? PaymentIntentId { get; init; }
    public int? ReceiptNumber { get; init; }
}

/// <summary>
/// Units of one inventory item a live booking occupies over its window (start − buffer before, end +
/// buffer after). Rows exist only while the booking is held or confirmed; a hold's row stops counting
/// at <see cref="HeldUntil"/> even before the sweep removes it.
/// </summary>
public sealed class BookingAllocation : ITenantOwned
{
    public Guid BookingId { get; init; }
    public Guid InventoryItemId { get; init; }
    public Guid TenantId { get; init; }
    public int Units { get; init; }
    public Instant OccupiedFrom { get; init; }
    public Instant OccupiedTo { get; init; }
    public Instant? HeldUntil { get; init; }
}

/// <summary>The stored outcome of a request made with an <c>Idempotency-Key</c>.</summary>
public sealed class IdempotencyRecord : ITenantOwned
{
    public Guid TenantId { get; init; }
    public required string Key { get; init; }
    public required string RequestHash { get; init; }
    public int StatusCode { get; init; }
    public required string ResponseBody { get; init; }
    public Instant CreatedAt { get; init; }
}
