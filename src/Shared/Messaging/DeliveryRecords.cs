using NodaTime;

namespace BookingAws.Shared.Messaging;

/// <summary>
/// One email sent for one message. The row is inserted in a transaction that stays open while the email is
/// sent and commits right after SES accepts it: a second worker handling the same message blocks on the
/// uncommitted key and then finds it taken, and a crashed sender's row disappears with its transaction.
/// </summary>
public sealed class EmailDelivery
{
    public Guid MessageId { get; init; }
    public required string Template { get; init; }
    public Guid TenantId { get; init; }
    public required string Recipient { get; init; }
    public required string Subject { get; init; }
    public string? ProviderMessageId { get; init; }
    public Instant SentAt { get; init; }

    /// <summary>Set instead of sending when the recipient is on the tenant's suppression list (bounce or complaint).</summary>
    public string? SuppressedReason { get; init; }
}

/// <summary>Claims one reminder per booking and tenant-local day (unique key), together with its outbox row.</summary>
public sealed class BookingReminder
{
    public Guid BookingId { get; init; }
    public LocalDate ReminderFor { get; init; }
    public Guid TenantId { get; init; }
    public Instant CreatedAt { get; init; }
}

/// <summary>The last failure of a message per consumer, kept so the ops CLI can show why it went to the DLQ.</summary>
public sealed class MessageFailure
{
    public Guid MessageId { get; init; }
    public required string Queue { get; init; }
    public required string Type { get; init; }
    public int Failures { get; set; }
    public required string LastError { get; set; }
    public Instant FirstFailedAt { get; init; }
    public Instant LastFailedAt { get; set; }
}
