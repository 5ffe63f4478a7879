using BookingAws.Shared.Data.Payments;
using BookingAws.Shared.Integrations.Stripe;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
/// does not matter. A failure while settling propagates: the endpoint answers 500, Stripe redelivers,
/// and the event, recorded but not marked processed, is handled again.
/// </summary>
public sealed class PaymentWebhookHandler(
    IOptions<StripeOptions> options, PaymentStore payments, PaymentService service, ILogger<PaymentWebhookHandler> logger)
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
        if (!await payments.BeginEventAsync(stripeEvent.Id, stripeEvent.Type, intentId, ct))
        {
            return WebhookResult.Duplicate;
        }

        switch (stripeEvent.Type)
        {
            case EventTypes.PaymentIntentSucceeded or EventTypes.PaymentIntentCanceled or EventTypes.PaymentIntentPaymentFailed
                or EventTypes.PaymentIntentProcessing or EventTypes.PaymentIntentCreated:
                await service.SettleIntentAsync(intentId!, releaseUnpaid: stripeEvent.Type == EventTypes.PaymentIntentPaymentFailed, ct);
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

        await payments.EndEventAsync(stripeEvent.Id, ct);
        return WebhookResult.Processed;
    }
}
