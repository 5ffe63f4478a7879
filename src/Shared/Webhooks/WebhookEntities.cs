using BookingAws.Shared.Domain;
using NodaTime;

namespace BookingAws.Shared.Webhooks;

/// <summary>
/// A business's receiver of signed event notifications. The signing secret is kept as it is, not hashed: HMAC needs
/// the secret itself on every send. It is shown once (on create and on rotation), never listed, and rests under the
/// database's encryption at rest and row-level security like the business's other rows.
/// </summary>
public sealed class WebhookEndpoint : ITenantOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid TenantId { get; init; }

    public required string Url { get; set; }

    public string? Description { get; set; }

    /// <summary>Wire names (<c>booking.confirmed.v1</c>) or <see cref="WebhookEvents.All"/>.</summary>
    public List<string> EventTypes { get; set; } = [];

    public required string SigningSecret { get; set; }

    /// <summary>After a rotation the old secret still signs (a second <c>v1=</c>) for a day, so receivers can switch over.</summary>
    public string? PreviousSigningSecret { get; set; }

    public Instant? PreviousSecretExpiresAt { get; set; }

    public Instant CreatedAt { get; init; }

    /// <summary>The first failed attempt since the last success; cleared by a success.</summary>
    public Instant? FailingSince { get; set; }

    public Instant? DisabledAt { get; set; }

    public string? DisabledReason { get; set; }

    /// <summary>The id of the owner's "endpoint disabled" email (its idempotency key), made when the endpoint is disabled.</summary>
    public Guid? DisabledNoticeId { get; set; }

    public Instant? OwnerNotifiedAt { get; set; }

    public bool Wants(string eventType) => EventTypes.Contains(WebhookEvents.All) || EventTypes.Contains(eventType);
}

/// <summary>One event for one endpoint, retried on its own schedule until it is delivered or given up.</summary>
public sealed class WebhookDelivery : ITenantOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid TenantId { get; init; }

    public Guid EndpointId { get; init; }

    /// <summary>The outbox message id: the event id receivers deduplicate on (<c>BookingAws-Event-Id</c>).</summary>
    public Guid EventId { get; init; }

    public required string EventType { get; init; }

    /// <summary>The exact body sent and signed (text, not jsonb: jsonb would reorder keys and break the signature).</summary>
    public required string Payload { get; init; }

    /// <summary>When the change happened (the outbox row's time); delivery latency is measured from here.</summary>
    public Instant OccurredAt { get; init; }

    public Instant CreatedAt { get; init; }

    public string State { get; set; } = WebhookDeliveryState.Pending;

    public int Attempts { get; set; }

    public Instant NextAttemptAt { get; set; }

    /// <summary>Retries stop after this (72 hours after the event, or after a redelivery).</summary>
    public Instant GiveUpAt { get; set; }

    public Instant? LastAttemptAt { get; set; }

    public Instant? DeliveredAt { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }
}

/// <summary>One HTTP attempt of a delivery, kept for the business to see why a delivery failed.</summary>
public sealed class WebhookAttempt : ITenantOwned
{
    public long Id { get; init; }

    public Guid TenantId { get; init; }

    public Guid DeliveryId { get; init; }

    public Guid EndpointId { get; init; }

    public Instant AttemptedAt { get; init; }

    /// <summary>The receiver's status code; null when no response came (refused, timed out, blocked target).</summary>
    public int? StatusCode { get; init; }

    public int LatencyMs { get; init; }

    public bool Succeeded { get; init; }

    public string? Error { get; init; }
}

public static class WebhookDeliveryState
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";

    /// <summary>Given up: 72 hours of failures, or its endpoint was disabled. A redelivery makes it pending again.</summary>
    public const string Failed = "failed";
}
