using BookingAws.Shared.Application.Bookings;
using BookingAws.Shared.Data.Payments;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Integrations.Stripe;
using Microsoft.Extensions.Logging;
using Stripe;

namespace BookingAws.Shared.Application.Payments;

/// <summary>How a "paid in person" confirmation ended.</summary>
public abstract record InPersonOutcome
{
    private InPersonOutcome()
    {
    }

    /// <summary>The booking change ran (confirmed, or refused by the booking model for its own reasons).</summary>
    public sealed record Changed(ChangeOutcome Outcome) : InPersonOutcome;

    /// <summary>The customer's online payment is being processed: it will settle the booking either way.</summary>
    public sealed record PaymentProcessing : InPersonOutcome;

    /// <summary>The customer already paid online; the booking is confirmed by that payment.</summary>
    public sealed record PaidOnline : InPersonOutcome;

    /// <summary>Stripe could not be asked whether the customer is paying; nothing changed.</summary>
    public sealed record ProviderUnavailable : InPersonOutcome;
}

/// <summary>
/// The business took payment in person: one booking, one payment. The hold's PaymentIntent is looked at
/// first (processing or paid online: refused, the online payment settles it), then the booking is
/// confirmed, then the PaymentIntent is cancelled so it can no longer be paid. Confirming before
/// cancelling means a cancel webhook can never release the hold under us; a payment that slips in
/// between is a second payment for a confirmed booking, and the payment flow refunds it.
/// </summary>
public sealed class ConfirmPaidInPerson(
    ConfirmBooking confirm, PaymentStore payments, PaymentService service, StripeGateway stripe, ILogger<ConfirmPaidInPerson> logger)
{
    public async Task<InPersonOutcome> RunAsync(Guid tenantId, Guid bookingId, CancellationToken ct)
    {
        var payment = await payments.FindPaymentAsync(bookingId, ct);
        var intentId = payment is not null && payment.TenantId == tenantId ? payment.PaymentIntentId : null;
        if (intentId is not null)
        {
            try
            {
                var intent = await stripe.GetPaymentIntentAsync(intentId, ct);
                switch (intent.Status)
                {
                    case "processing":
                        return new InPersonOutcome.PaymentProcessing();
                    case "succeeded":
                        await service.SettleIntentAsync(intentId, releaseUnpaid: false, ct);
                        return new InPersonOutcome.PaidOnline();
                }
            }
            catch (PaymentProviderUnavailableException e)
            {
                logger.LogWarning(e, "Could not ask Stripe about booking {BookingId}'s payment; not confirming in person", bookingId);
                return new InPersonOutcome.ProviderUnavailable();
            }
        }

        var outcome = await confirm.RunAsync(tenantId, bookingId, null, ct);
        if (outcome is ChangeOutcome.Done && intentId is not null)
        {
            await this.CloseOnlinePaymentAsync(tenantId, bookingId, intentId, ct);
        }

        return new InPersonOutcome.Changed(outcome);
    }

    private async Task CloseOnlinePaymentAsync(Guid tenantId, Guid bookingId, string intentId, CancellationToken ct)
    {
        try
        {
            if (await stripe.CancelPaymentIntentAsync(intentId, ct))
            {
                await payments.MarkSettledAsync(tenantId, bookingId, ct);
            }
            else
            {
                // It succeeded in the meantime: a second payment for a booking already paid, refunded.
                await service.SettleIntentAsync(intentId, releaseUnpaid: false, ct);
            }
        }
        catch (Exception e) when (e is PaymentProviderUnavailableException or StripeException)
        {
            // Reconciliation picks up confirmed bookings with an open PaymentIntent and cancels it.
            logger.LogWarning(e, "Cancelling the PaymentIntent of booking {BookingId}, paid in person, failed; reconciliation will retry", bookingId);
        }
    }
}
