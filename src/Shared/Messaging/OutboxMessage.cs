using NodaTime;

namespace BookingAws.Shared.Messaging;

/// <summary>
/// A domain event written in the same transaction as the change it describes; the relay publishes it to
/// SQS at least once and stamps <see cref="SentAt"/>.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }

    /// <summary>Stable wire name such as <c>booking.confirmed.v1</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The event as JSON (jsonb).</summary>
    public required string Payload { get; init; }

    public Instant OccurredAt { get; init; }

    /// <summary>W3C trace context of the request that caused it, carried into SQS message attributes.</summary>
    public string? TraceParent { get; init; }

    public string? CorrelationId { get; init; }
    public Instant? SentAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
}

/// <summary>Marks a message as handled by one consumer, written in the same transaction as its effect,
/// so redelivery of the same SQS message does nothing twice.</summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; init; }
    public required string Consumer { get; init; }
    public Instant ProcessedAt { get; init; }
}
