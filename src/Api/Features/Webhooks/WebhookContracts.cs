using System.ComponentModel.DataAnnotations;
using BookingAws.Shared.Webhooks;

namespace BookingAws.Api.Features.Webhooks;

/// <param name="Url">https, on a public host (private, loopback and link-local targets are refused, also after DNS).</param>
/// <param name="EventTypes">Wire names such as <c>booking.confirmed.v1</c>, or <c>*</c> for every event type.</param>
public sealed record WebhookEndpointRequest(
    [Required, StringLength(2048, MinimumLength = 1)] string Url,
    [Required, MinLength(1)] List<string> EventTypes,
    [StringLength(500)] string? Description);

/// <param name="Enabled">False turns the endpoint off; true turns it on again (also after it was turned off for failing).</param>
public sealed record WebhookEndpointUpdate(
    [Required, StringLength(2048, MinimumLength = 1)] string Url,
    [Required, MinLength(1)] List<string> EventTypes,
    [StringLength(500)] string? Description,
    bool Enabled);

/// <param name="Types">The wire names an endpoint may subscribe to, in the order they are documented.</param>
/// <param name="All">Subscribes to every type, including ones added later.</param>
public sealed record WebhookEventTypesDto(List<string> Types, string All);

/// <summary>An endpoint as listed; the signing secret is never listed.</summary>
public sealed record WebhookEndpointDto(
    Guid Id, string Url, List<string> EventTypes, string? Description, DateTimeOffset CreatedAt, bool Enabled,
    DateTimeOffset? FailingSince, DateTimeOffset? DisabledAt, string? DisabledReason)
{
    public static WebhookEndpointDto From(WebhookEndpoint e) => new(
        e.Id, e.Url, e.EventTypes, e.Description, e.CreatedAt.ToDateTimeOffset(), e.DisabledAt is null,
        e.FailingSince?.ToDateTimeOffset(), e.DisabledAt?.ToDateTimeOffset(), e.DisabledReason);
}

/// <summary>The endpoint with its signing secret: returned once, on create and on rotation, and never again.</summary>
public sealed record WebhookEndpointCreated(WebhookEndpointDto Endpoint, string SigningSecret);

/// <param name="PreviousSecretValidUntil">Until then requests carry a second <c>v1=</c> signed with the old secret.</param>
public sealed record WebhookSecretRotated(string SigningSecret, DateTimeOffset PreviousSecretValidUntil);

public sealed record WebhookDeliveryDto(
    Guid Id, Guid EventId, string EventType, string State, int Attempts, DateTimeOffset OccurredAt, DateTimeOffset? NextAttemptAt,
    DateTimeOffset? LastAttemptAt, DateTimeOffset? DeliveredAt, int? LastStatusCode, string? LastError)
{
    public static WebhookDeliveryDto From(WebhookDelivery d) => new(
        d.Id, d.EventId, d.EventType, d.State, d.Attempts, d.OccurredAt.ToDateTimeOffset(),
        d.State == WebhookDeliveryState.Pending ? d.NextAttemptAt.ToDateTimeOffset() : null,
        d.LastAttemptAt?.ToDateTimeOffset(), d.DeliveredAt?.ToDateTimeOffset(), d.LastStatusCode, d.LastError);
}

/// <param name="StatusCode">Null when no response came (refused connection, timeout, refused target).</param>
public sealed record WebhookAttemptDto(DateTimeOffset AttemptedAt, int? StatusCode, int LatencyMs, bool Succeeded, string? Error);

/// <param name="Payload">The exact body sent (and signed).</param>
public sealed record WebhookDeliveryDetail(WebhookDeliveryDto Delivery, string Payload, List<WebhookAttemptDto> Attempts);
