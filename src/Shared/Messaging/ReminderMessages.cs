namespace BookingAws.Shared.Messaging;

/// <summary>
/// The daily reminder tick. In AWS an EventBridge Scheduler schedule puts it on the notifications queue
/// (hourly, so every tenant's local reminder hour is met); locally a timer in the workers sends it.
/// <see cref="At"/> is the instant of the tick; each tenant's local date is derived from it.
/// </summary>
public sealed record RemindersDue(DateTimeOffset At) : IMessage
{
    public static string WireName => "reminders.due.v1";
}

/// <summary>The payment reconciliation tick an EventBridge Scheduler schedule puts on the payments queue.</summary>
public sealed record PaymentReconciliationDue(DateTimeOffset? At) : IMessage
{
    public static string WireName => "schedule.payment-reconciliation.v1";
}

/// <summary>One booking's reminder was claimed for <see cref="LocalDate"/> (ISO yyyy-MM-dd in the tenant's zone);
/// written to the outbox in the same transaction as the claim, so it is sent exactly once per booking and day.</summary>
public sealed record BookingReminderDue(Guid TenantId, Guid BookingId, string LocalDate) : IBookingEvent
{
    public static string WireName => "booking.reminder_due.v1";
}

/// <summary>The retention tick: an EventBridge Scheduler schedule in AWS, a local timer in the workers elsewhere. Old
/// idempotency keys, inbox and sent outbox rows, Stripe event records and email deliveries are purged.</summary>
public sealed record RetentionPurgeDue(DateTimeOffset? At) : IMessage
{
    public static string WireName => "schedule.retention-purge.v1";
}
