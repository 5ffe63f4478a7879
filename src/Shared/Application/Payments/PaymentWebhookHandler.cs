using BookingAws.Shared.Data.Payments;
using BookingAws.Shared.Domain.Payments;
using BookingAws.Shared.Integrations.Stripe;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Stripe;

namespace BookingAws.Shared.Application.Payments;

public enum WebhookResult
{
    /// <summary>Signature missing, wrong or too old: nothing was changed.</summary>
    InvalidSignature,

    /// <summary>This event was processed before; acknowledged and ignored.</summary>
    Duplicate,

    Processed,
}

/// <summary>
/// Verifies a Stripe webhook against the endpoint secret, records its id once, and settles what it is
/// about. Handling is state-based (see <see cref="PaymentService"/>), so the order events arrive in
/// does not matter; a replayed, out-of-order or unknown one is still recorded as an anomaly for on-call.
/// Only Stripe being unreachable while settling propagates (<see cref="PaymentProviderUnavailableException"/>):
/// the endpoint answers 503, Stripe redelivers, and the event, recorded but not marked processed, is
/// handled again.
/// </summary>
public sealed class PaymentWebhookHandler(
    IOptions<StripeOptions> options, PaymentStore payments, PaymentService service, PaymentAnomalies anomalies, ILogger<PaymentWebhookHandler> logger)
{
    public async Task<WebhookResult> HandleAsync(string payload, string? signature, CancellationToken ct)
    {
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(
                payload, signature ?? string.Empty, options.Value.WebhookSecret, (long)options.Value.WebhookTolerance.TotalSeconds, throwOnApiVersionMismatch: false);
        }
        catch (Exception e) when (e is StripeException or ArgumentException or FormatException or Newtonsoft.Json.JsonException)
        {
            logger.LogWarning("Refused a Stripe webhook: {Reason}", e.Message);
            return WebhookResult.InvalidSignature;
        }

        var intentId = stripeEvent.Data.Object switch
        {
            PaymentIntent pi => pi.Id,
            Refund r => r.PaymentIntentId,
            Charge c => c.PaymentIntentId,
            _ => null,
        };
        var (tenantId, bookingId) = Owner(stripeEvent.Data.Object);
        var created = Instant.FromDateTimeUtc(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc));
        if (!await payments.BeginEventAsync(stripeEvent.Id, stripeEvent.Type, intentId, created, ct))
        {
            await anomalies.RecordAsync(
                PaymentAnomalyKinds.ReplayedEvent, $"{stripeEvent.Type} delivered again after it was processed", tenantId, bookingId, intentId, stripeEvent.Id, ct);
            return WebhookResult.Duplicate;
        }

        if (intentId is not null && await payments.NewerEventSeenAsync(stripeEvent.Id, intentId, created, ct))
        {
            // Harmless to handle (decisions read the current state from Stripe), but worth knowing about.
            await anomalies.RecordAsync(
                PaymentAnomalyKinds.OutOfOrderEvent, $"{stripeEvent.Type} arrived after a newer event of its PaymentIntent", tenantId, bookingId, intentId, stripeEvent.Id, ct);
        }

        try
        {
            await this.DispatchAsync(stripeEvent, intentId, tenantId, bookingId, ct);
        }
        catch (StripeException e) when ((int)e.HttpStatusCode is >= 400 and < 500)
        {
            // Stripe does not know the object (or refuses to act on it): nothing will change on a redelivery.
            await anomalies.RecordAsync(
                PaymentAnomalyKinds.UnknownPaymentIntent,
                $"{stripeEvent.Type}: Stripe answered {(int)e.HttpStatusCode} {e.StripeError?.Code} while settling",
                tenantId,
                bookingId,
                intentId,
                stripeEvent.Id,
                ct);
        }

        await payments.EndEventAsync(stripeEvent.Id, ct);
        return WebhookResult.Processed;
    }

    private async Task DispatchAsync(Event stripeEvent, string? intentId, Guid? tenantId, Guid? bookingId, CancellationToken ct)
    {
        switch (stripeEvent.Type)
        {
            case EventTypes.PaymentIntentSucceeded or EventTypes.PaymentIntentCanceled or EventTypes.PaymentIntentPaymentFailed
                or EventTypes.PaymentIntentProcessing or EventTypes.PaymentIntentCreated:
                var settlement = await service.SettleIntentAsync(intentId!, releaseUnpaid: stripeEvent.Type == EventTypes.PaymentIntentPaymentFailed, ct);
                if (settlement == Settlement.Unknown)
                {
                    await anomalies.RecordAsync(
                        PaymentAnomalyKinds.UnknownPaymentIntent, $"{stripeEvent.Type} for a PaymentIntent of no booking", tenantId, bookingId, intentId, stripeEvent.Id, ct);
                }

                break;
            case EventTypes.RefundCreated or EventTypes.RefundUpdated or EventTypes.RefundFailed when stripeEvent.Data.Object is Refund refund:
                await payments.UpdateRefundStatusAsync(refund.Id, refund.Status, ct);
                break;
            case EventTypes.ChargeRefunded:
                // Our own refunds are already recorded when Stripe accepted them; the refund.* events keep
                // their status. Nothing else changes on the booking.
                break;
            default:
                logger.LogDebug("Ignoring Stripe event type {Type}", stripeEvent.Type);
                break;
        }
    }

    /// <summary>The business and booking the event's object names in its metadata, when it does.</summary>
    private static (Guid? TenantId, Guid? BookingId) Owner(IHasObject? data)
    {
        var metadata = data switch
        {
            PaymentIntent pi => pi.Metadata,
            Charge c => c.Metadata,
            Refund r => r.Metadata,
            _ => null,
        };
        Guid? Read(string key) => metadata is not null && metadata.TryGetValue(key, out var v) && Guid.TryParse(v, out var g) ? g : null;
        return (Read("tenant_id"), Read("booking_id"));
    }
}
