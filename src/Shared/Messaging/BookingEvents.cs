namespace BookingAws.Shared.Messaging;

/// <summary>A message on a queue. <see cref="WireName"/> is the stable name on the wire, never derived from the CLR
/// type, so renaming a class cannot break consumers; the consumer deserializes by it.</summary>
public interface IMessage
{
    static abstract string WireName { get; }
}

/// <summary>An event published through the outbox (see <see cref="MessageTopology"/> for where it goes): every outbox
/// row belongs to one business.</summary>
public interface ITenantEvent : IMessage
{
    Guid TenantId { get; }
}

/// <summary>An outbox event about one booking.</summary>
public interface IBookingEvent : ITenantEvent
{
    Guid BookingId { get; }
}

/// <summary>Fields every booking event carries, enough for analytics without a database read.</summary>
public sealed record BookingSnapshot(
    Guid BookingId,
    Guid TenantId,
    Guid PackageId,
    Guid CustomerId,
    string Status,
    int Seats,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    long AmountMinor,
    string Currency);

/// <summary>A hold was taken. <c>EmailProofRequired</c>: a guest's hold whose address must be proven with the code the workers email.</summary>
public sealed record BookingHeld(BookingSnapshot Booking, DateTimeOffset ExpiresAt, bool EmailProofRequired = false) : IBookingEvent
{
    public static string WireName => "booking.held.v1";

    public Guid TenantId => Booking.TenantId;

    public Guid BookingId => Booking.BookingId;
}

public sealed record BookingConfirmed(BookingSnapshot Booking, DateTimeOffset ConfirmedAt, string? PaymentIntentId, int? ReceiptNumber) : IBookingEvent
{
    public static string WireName => "booking.confirmed.v1";

    public Guid TenantId => Booking.TenantId;

    public Guid BookingId => Booking.BookingId;
}

public sealed record BookingCancelled(BookingSnapshot Booking, DateTimeOffset CancelledAt, string CancelledBy, string? Reason) : IBookingEvent
{
    public static string WireName => "booking.cancelled.v1";

    public Guid TenantId => Booking.TenantId;

    public Guid BookingId => Booking.BookingId;
}

public sealed record BookingExpired(BookingSnapshot Booking, DateTimeOffset ExpiredAt) : IBookingEvent
{
    public static string WireName => "booking.expired.v1";

    public Guid TenantId => Booking.TenantId;

    public Guid BookingId => Booking.BookingId;
}

public sealed record BookingRescheduled(BookingSnapshot Booking, DateTimeOffset PreviousStartsAt, DateTimeOffset PreviousEndsAt) : IBookingEvent
{
    public static string WireName => "booking.rescheduled.v1";

    public Guid TenantId => Booking.TenantId;

    public Guid BookingId => Booking.BookingId;
}

public sealed record BookingCompleted(BookingSnapshot Booking) : IBookingEvent
{
    public static string WireName => "booking.completed.v1";

    public Guid TenantId => Booking.TenantId;

    public Guid BookingId => Booking.BookingId;
}

/// <summary>
/// Staff marked whether the customer came: <c>Attendance</c> is <c>checked-in</c>, <c>no-show</c> or <c>expected</c> (a mark
/// undone), <c>PreviousAttendance</c> what it was. <c>MarkedBy</c>: the staff member's membership id or the API key's id.
/// </summary>
public sealed record BookingAttendanceMarked(BookingSnapshot Booking, string Attendance, string PreviousAttendance, DateTimeOffset MarkedAt, Guid? MarkedBy) : IBookingEvent
{
    public static string WireName => "booking.attendance-marked.v1";

    public Guid TenantId => Booking.TenantId;

    public Guid BookingId => Booking.BookingId;
}
