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
/// A customer's claim on a slot, and the rules of its life (see <c>BookingLifecycle.cs</c>): held →
/// confirmed → completed, or → cancelled / expired; a confirmed booking may move to another slot. The
/// rules are pure: a transition returns a new <see cref="Booking"/> and its event, never touches a
/// database, and takes the current instant as an argument. Persistence (<c>Data/Bookings</c>) writes
/// what the model decided; EF Core maps the type for reads and migrations.
/// </summary>
public sealed partial class Booking : ITenantOwned
{
    private string status = null!;
    private Instant startsAt;
    private Instant endsAt;
    private Instant? expiresAt;
    private Instant updatedAt;
    private Instant? confirmedAt;
    private Instant? cancelledAt;
    private string? cancelledBy;
    private string? cancelReason;
    private string? paymentIntentId;
    private int? receiptNumber;
    private PolicySnapshot? policy;
    private string? emailProof;
    private string attendance = BookingAttendance.Expected;
    private Instant? attendanceMarkedAt;
    private Guid? attendanceMarkedBy;

    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public Guid PackageId { get; init; }
    public Guid CustomerId { get; init; }
    public required string Status { get => status; init => status = value; }
    public int Seats { get; init; }
    public Instant StartsAt { get => startsAt; init => startsAt = value; }
    public Instant EndsAt { get => endsAt; init => endsAt = value; }

    /// <summary>When a hold lapses; null once confirmed.</summary>
    public Instant? ExpiresAt { get => expiresAt; init => expiresAt = value; }

    public long AmountMinor { get; init; }
    public required string Currency { get; init; }
    public Instant CreatedAt { get; init; }
    public Instant UpdatedAt { get => updatedAt; init => updatedAt = value; }
    public Instant? ConfirmedAt { get => confirmedAt; init => confirmedAt = value; }
    public Instant? CancelledAt { get => cancelledAt; init => cancelledAt = value; }

    /// <summary>Who cancelled: <see cref="Actor"/> in lower case.</summary>
    public string? CancelledBy { get => cancelledBy; init => cancelledBy = value; }

    public string? CancelReason { get => cancelReason; init => cancelReason = value; }
    public string? PaymentIntentId { get => paymentIntentId; init => paymentIntentId = value; }
    public int? ReceiptNumber { get => receiptNumber; init => receiptNumber = value; }

    /// <summary>
    /// The business's policy when the booking was made. Null only for a row written by a release that
    /// did not know the column yet (see migration <c>BookingPolicySnapshot</c>); readers then fill in the
    /// business's current policy, which is what that release applied.
    /// </summary>
    public PolicySnapshot? Policy { get => policy; init => policy = value; }

    /// <summary>
    /// Whether the customer's email still has to be proven (<see cref="EmailProofState"/>): null when there was
    /// nothing to prove (a signed-in customer, a booking the business made, or one from before proofs existed).
    /// </summary>
    public string? EmailProof { get => emailProof; init => emailProof = value; }

    /// <summary>A guest's hold waiting for the one-time code sent to the address it gave.</summary>
    public bool AwaitsEmailProof => EmailProof == EmailProofState.Pending;

    /// <summary>Whether the customer came, as the business's staff marked it (<see cref="BookingAttendance"/>).</summary>
    public string Attendance { get => attendance; init => attendance = value; }

    /// <summary>When the attendance was last marked (or undone); null while nobody has touched it.</summary>
    public Instant? AttendanceMarkedAt { get => attendanceMarkedAt; init => attendanceMarkedAt = value; }

    /// <summary>
    /// Who marked it last: the staff member's membership id, or the business's API key id when a key did. Not a
    /// foreign key, since keys and memberships both act for the business.
    /// </summary>
    public Guid? AttendanceMarkedBy { get => attendanceMarkedBy; init => attendanceMarkedBy = value; }
}

/// <summary>
/// Whether the customer of a confirmed booking came, as staff mark it on the day: expected until someone marks it
/// checked in or a no-show (and back to expected to undo a mistake). Stored as this text.
/// </summary>
public static class BookingAttendance
{
    public const string Expected = "expected";
    public const string CheckedIn = "checked-in";
    public const string NoShow = "no-show";

    /// <summary>Customers arrive early: check-in opens this long before the start.</summary>
    public static readonly Duration CheckInOpensBefore = Duration.FromHours(1);

    public static bool IsKnown(string? attendance) => attendance is Expected or CheckedIn or NoShow;
}

/// <summary>
/// A guest's address is proven with a one-time code before the booking can be confirmed or paid, and until
/// then the booking is not part of the history of any customer of that address.
/// </summary>
public static class EmailProofState
{
    public const string Pending = "pending";
    public const string Proven = "proven";

    /// <summary>Wrong codes a hold takes before it stops accepting any: with six digits, a guess succeeds one time in 200,000.</summary>
    public const int MaxFailures = 5;
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
