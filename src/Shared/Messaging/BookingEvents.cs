namespace BookingAws.Shared.Messaging;

/// <summary>An event published through the outbox. <see cref="WireName"/> is the stable name on the wire,
/// never derived from the CLR type, so renaming a class cannot break consumers.</summary>
public interface IBookingEvent
{
    static abstract string WireName { get; }

    Guid TenantId { get; }

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

public sealed record BookingHeld(BookingSnapshot Booking, DateTimeOffset ExpiresAt) : IBookingEvent
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

/// <summary>Which queues (by concern) receive each event type. The relay sends one message per queue.</summary>
public static class EventRoutes
{
    public const string Notifications = "notifications";
    public const string Analytics = "analytics";
    public const string Payments = "payments";

    /// <summary>Live availability pushes to the portal: every change that takes or frees capacity.</summary>
    public const string Availability = "availability";

    private static readonly Dictionary<string, string[]> Routes = new(StringComparer.Ordinal)
    {
        [BookingHeld.WireName] = [Analytics, Availability],
        [BookingConfirmed.WireName] = [Notifications, Analytics, Availability],
        [BookingCancelled.WireName] = [Notifications, Analytics, Payments, Availability],
        [BookingExpired.WireName] = [Analytics, Payments, Availability],
        [BookingRescheduled.WireName] = [Notifications, Analytics, Payments, Availability],
        [BookingCompleted.WireName] = [Analytics],
        [BookingReminderDue.WireName] = [Notifications],
        [PaymentRefunded.WireName] = [Notifications],
    };

    /// <summary>Routes whose delivery is a hint (live pushes): a failure there is logged and dropped, never holding
    /// back the row's delivery to the queues that matter (email, payments, analytics).</summary>
    public static bool IsBestEffort(string concern) => concern == Availability;

    public static IReadOnlyList<string> QueuesFor(string type) => Routes.TryGetValue(type, out var queues) ? queues : [];
}
