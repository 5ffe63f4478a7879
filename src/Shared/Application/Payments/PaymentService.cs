using BookingAws.Shared.Application.Bookings;
using BookingAws.Shared.Data;
using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Data.Payments;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Payments;
using BookingAws.Shared.Integrations.Stripe;
using Microsoft.Extensions.Logging;
using NodaTime;
using Stripe;

namespace BookingAws.Shared.Application.Payments;

/// <summary>What a client needs to pay for a hold.</summary>
public sealed record PaymentStart(string PaymentIntentId, string ClientSecret);

/// <summary>How one settlement ended.</summary>
public enum Settlement
{
    /// <summary>Nothing to do yet (payment in progress, or the hold still runs).</summary>
    Pending,

    Confirmed,

    Released,

    Refunded,

    /// <summary>Booking and payment already agreed.</summary>
    AlreadySettled,

    /// <summary>The PaymentIntent belongs to no booking of ours.</summary>
    Unknown,
}

/// <summary>How the owner's refund of a booking ended.</summary>
public abstract record OwnerRefundOutcome
{
    private OwnerRefundOutcome()
    {
    }

    /// <summary>Asked of Stripe and accepted (or the same refund asked again: it is made once).</summary>
    public sealed record Refunded(long AmountMinor) : OwnerRefundOutcome;

    public sealed record NotFound : OwnerRefundOutcome;

    /// <summary>The rule said no (<see cref="OwnerRefund.Decide"/>).</summary>
    public sealed record Refused(OwnerRefundDecision Decision) : OwnerRefundOutcome;

    /// <summary>A refund with the same reason and another amount exists: the reason names one refund.</summary>
    public sealed record ReasonTaken(long AmountMinor) : OwnerRefundOutcome;

    /// <summary>Stripe refused it (its code says why); nothing was refunded.</summary>
    public sealed record StripeRefused(string? Code) : OwnerRefundOutcome;
}

/// <summary>
/// Keeps bookings and Stripe in agreement. Every decision is made from the current state of both sides
/// (the booking row and the PaymentIntent as Stripe reports it now), never from the event that
/// prompted it, so webhooks in any order, duplicates and reconciliation rounds all converge on the same
/// outcome, and each step is safe to repeat.
/// </summary>
public sealed class PaymentService(
    BookingReads bookings,
    ConfirmBooking confirm,
    CancelBooking cancel,
    PaymentStore payments,
    StripeGateway stripe,
    PaymentAnomalies anomalies,
    IClock clock,
    ILogger<PaymentService> logger)
{
    /// <summary>Why a hold is released when Stripe refuses to create its PaymentIntent.</summary>
    public const string PaymentRefusedReason = "payment_refused";

    /// <summary>
    /// Creates (or finds again, with the same idempotency key) the PaymentIntent for a held booking and
    /// stores its id. Null when the booking needs no payment now (not held, or free). Throws
    /// <see cref="PaymentProviderUnavailableException"/> when Stripe does not answer in time (the hold
    /// stays until its expiry, and the customer may try again), and <see cref="PaymentRefusedException"/>
    /// when Stripe refuses it (a 4xx: asking again would not help, so the hold is released first).
    /// </summary>
    public async Task<PaymentStart?> StartAsync(Guid bookingId, CancellationToken ct)
    {
        PayableBooking? booking;

        // The booking id is the capability (guests pay too), so the business is learnt from the booking itself.
        using (DatabaseScope.System("the booking a payment is started for, found by its id"))
        {
            booking = await payments.FindPayableAsync(bookingId, ct);
        }

        if (booking is null || !IsPayable(booking))
        {
            return null;
        }

        using var rowScope = DatabaseScope.Tenant(booking.TenantId);

        PaymentIntent intent;
        try
        {
            intent = await stripe.CreatePaymentIntentAsync(booking, ct);
        }
        catch (PaymentRefusedException)
        {
            await cancel.ReleaseHoldAsync(booking.TenantId, booking.Id, PaymentRefusedReason, ct);
            await payments.MarkSettledAsync(booking.TenantId, booking.Id, ct);
            throw;
        }

        await payments.RecordIntentAsync(booking.TenantId, booking.Id, intent.Id, intent.Status, null, ct);
        return new PaymentStart(intent.Id, intent.ClientSecret);
    }

    /// <summary>A hold still running, of a paid package: the only kind of booking a customer may start paying for.</summary>
    public bool IsPayable(PayableBooking booking) =>
        booking.Status == BookingStatus.Held && booking.AmountMinor > 0 && booking.ExpiresAt > clock.GetCurrentInstant() && !booking.AwaitsEmailProof;

    /// <summary>Settles the booking behind a PaymentIntent, reading the PaymentIntent from Stripe first.</summary>
    public async Task<Settlement> SettleIntentAsync(string paymentIntentId, bool releaseUnpaid, CancellationToken ct)
    {
        var intent = await stripe.GetPaymentIntentAsync(paymentIntentId, ct);
        if (!intent.Metadata.TryGetValue("booking_id", out var b) || !Guid.TryParse(b, out var bookingId)
            || !intent.Metadata.TryGetValue("tenant_id", out var t) || !Guid.TryParse(t, out var tenantId))
        {
            return Settlement.Unknown;
        }

        return await this.SettleAsync(tenantId, bookingId, intent, releaseUnpaid, ct);
    }

    /// <summary>
    /// Reconciliation's entry: the booking's PaymentIntent (by stored id, else by a search on its
    /// metadata) decides. A lapsed hold that never got a PaymentIntent is simply settled.
    /// </summary>
    public async Task<Settlement> SettleBookingAsync(Guid tenantId, Guid bookingId, CancellationToken ct)
    {
        var booking = await bookings.FindAsync(tenantId, bookingId, ct);
        if (booking is null)
        {
            return Settlement.Unknown;
        }

        var stored = booking.PaymentIntentId ?? (await payments.FindPaymentAsync(bookingId, ct))?.PaymentIntentId;
        var intent = stored is not null ? await stripe.GetPaymentIntentAsync(stored, ct) : await stripe.FindPaymentIntentAsync(bookingId, ct);
        if (intent is null)
        {
            if (booking.Status is BookingStatus.Held)
            {
                // Its expiry passed with no PaymentIntent at all: nothing to ask Stripe again; the sweep expires it.
                await payments.MarkSettledAsync(tenantId, bookingId, ct);
                return Settlement.Released;
            }

            await payments.MarkSettledAsync(tenantId, bookingId, ct);
            return Settlement.AlreadySettled;
        }

        return await this.SettleAsync(tenantId, bookingId, intent, releaseUnpaid: true, ct);
    }

    /// <summary>
    /// Refunds a cancelled, paid booking as the booking model decides (<see cref="Booking.RefundOwed"/>: by
    /// who cancelled, when, under the policy snapshotted on the booking), at most once. Stripe being down
    /// leaves the refund pending; reconciliation asks again with the same idempotency key.
    /// </summary>
    public async Task<Settlement> RefundCancellationAsync(Guid tenantId, Guid bookingId, CancellationToken ct)
    {
        var booking = await bookings.FindAsync(tenantId, bookingId, ct);
        if (booking is not { Status: BookingStatus.Cancelled, PaymentIntentId: { } intentId, CancelledAt: not null })
        {
            return Settlement.Unknown;
        }

        var intent = await stripe.GetPaymentIntentAsync(intentId, ct);
        if (intent.Status != "succeeded")
        {
            // Never paid online (confirmed in person, or still open): nothing to refund, nothing more to pay.
            await stripe.CancelPaymentIntentAsync(intentId, ct);
            await payments.MarkSettledAsync(tenantId, bookingId, ct);
            return Settlement.AlreadySettled;
        }

        if (!PaidBy(booking, intent))
        {
            // Paid in person, then online too: the online payment is a duplicate, refunded whole as such; the
            // business settles the in-person money with its customer.
            return await this.SettlePaidAsync(booking, intent, ct);
        }

        // What the owner refunded already (goodwill) is not given back twice.
        var others = (await payments.RefundsAsync(bookingId, ct)).Where(r => r.Reason != BookingRefundReasons.Cancellation).Select(r => (r.AmountMinor, r.Status));
        var amount = Math.Min(booking.RefundOwed(), OwnerRefund.Refundable(Received(booking, intent), others));
        if (amount > 0)
        {
            await this.RefundAsync(booking, intent, BookingRefundReasons.Cancellation, amount, ct);
        }

        await payments.MarkSettledAsync(tenantId, bookingId, ct);
        return amount > 0 ? Settlement.Refunded : Settlement.AlreadySettled;
    }

    /// <summary>
    /// The owner gives back part or all of what the booking's own online payment took and is not refunded yet
    /// (<see cref="OwnerRefund"/>), through the same refund record and Stripe idempotency key (booking and reason) as
    /// every other refund. The same request again (say after Stripe did not answer) finishes that refund, never a second.
    /// </summary>
    public async Task<OwnerRefundOutcome> RefundByOwnerAsync(Guid tenantId, Guid bookingId, long? amountMinor, string reason, CancellationToken ct)
    {
        var booking = await bookings.FindAsync(tenantId, bookingId, ct);
        if (booking is null)
        {
            return new OwnerRefundOutcome.NotFound();
        }

        var intent = booking is { PaymentIntentId: { } intentId, ReceiptNumber: not null } ? await stripe.GetPaymentIntentAsync(intentId, ct) : null;
        var paid = intent is { Status: "succeeded" } && PaidBy(booking, intent) ? Received(booking, intent) : (long?)null;
        var code = OwnerRefund.ReasonCode(reason);
        var refunds = await payments.RefundsAsync(bookingId, ct);
        long amount;
        if (refunds.Exists(r => r.Reason == code))
        {
            var same = refunds.Find(r => r.Reason == code);
            if (intent is null || (amountMinor ?? same.AmountMinor) != same.AmountMinor)
            {
                return new OwnerRefundOutcome.ReasonTaken(same.AmountMinor);
            }

            amount = same.AmountMinor;
        }
        else
        {
            var decision = OwnerRefund.Decide(paid, refunds.Select(r => (r.AmountMinor, r.Status)), amountMinor);
            if (decision is not OwnerRefundDecision.Refund refund)
            {
                return new OwnerRefundOutcome.Refused(decision);
            }

            amount = refund.AmountMinor;
        }

        try
        {
            await this.RefundAsync(booking, intent!, code, amount, ct);
        }
        catch (StripeException e)
        {
            // Refused outright (not a timeout: those are retried, then PaymentProviderUnavailableException): it gives nothing back.
            await payments.MarkRefundFailedAsync(bookingId, code, ct);
            logger.LogWarning("Stripe refused the owner's refund of booking {BookingId} ({Code})", bookingId, e.StripeError?.Code);
            return new OwnerRefundOutcome.StripeRefused(e.StripeError?.Code);
        }

        return new OwnerRefundOutcome.Refunded(amount);
    }

    /// <summary>A hold was cancelled before payment: its PaymentIntent must no longer be payable.</summary>
    public async Task CancelUnpaidAsync(string paymentIntentId, CancellationToken ct) =>
        await stripe.CancelPaymentIntentAsync(paymentIntentId, ct);

    private async Task<Settlement> SettleAsync(Guid tenantId, Guid bookingId, PaymentIntent intent, bool releaseUnpaid, CancellationToken ct)
    {
        var booking = await bookings.FindAsync(tenantId, bookingId, ct);
        if (booking is null)
        {
            return Settlement.Unknown;
        }

        var paid = intent.Status == "succeeded";
        await payments.RecordIntentAsync(tenantId, bookingId, intent.Id, intent.Status, paid ? intent.LatestChargeId : null, ct);
        return intent.Status switch
        {
            "succeeded" when !MatchesBooking(booking, intent) => await this.RefundMismatchAsync(booking, intent, ct),
            "succeeded" => await this.SettlePaidAsync(booking, intent, ct),
            "canceled" => await this.ReleaseAsync(booking, "payment_canceled", ct),
            "requires_payment_method" or "requires_confirmation" or "requires_action" when releaseUnpaid => await this.AbandonAsync(booking, intent, ct),
            _ => Settlement.Pending,
        };
    }

    private async Task<Settlement> SettlePaidAsync(Booking booking, PaymentIntent intent, CancellationToken ct)
    {
        // Once a payment was judged refundable the decision stands, even if the slot freed up since;
        // only the refund itself may still need asking for.
        var decided = (await payments.RefundReasonsAsync(booking.Id, ct)).FirstOrDefault(BookingRefundReasons.DecidedByPayment.Contains);
        if (decided is not null)
        {
            await this.RefundAsync(booking, intent, decided, Received(booking, intent), ct);
            await payments.MarkSettledAsync(booking.TenantId, booking.Id, ct);
            return Settlement.Refunded;
        }

        if (booking.ConfirmedAt is not null && !PaidBy(booking, intent))
        {
            // One booking, one payment: it was settled without this one (in person, or by another payment).
            await anomalies.RecordAsync(
                PaymentAnomalyKinds.DuplicatePayment,
                $"PaymentIntent {intent.Id} succeeded for booking {booking.Id}, already {booking.Status} without it; refunding",
                booking.TenantId,
                booking.Id,
                intent.Id,
                ct: ct);
            await this.RefundAsync(booking, intent, BookingRefundReasons.DuplicatePayment, Received(booking, intent), ct);
            await payments.MarkSettledAsync(booking.TenantId, booking.Id, ct);
            return Settlement.Refunded;
        }

        switch (booking.Status)
        {
            case BookingStatus.Held or BookingStatus.Expired:
                var outcome = await confirm.PaidAsync(booking.TenantId, booking.Id, intent.Id, Received(booking, intent), booking.Currency.Trim(), ct);
                if (outcome is ChangeOutcome.Done)
                {
                    await payments.MarkSettledAsync(booking.TenantId, booking.Id, ct);
                    return Settlement.Confirmed;
                }

                if (outcome is ChangeOutcome.WrongState { Status: BookingStatus.Confirmed or BookingStatus.Completed })
                {
                    // Confirmed meanwhile (a concurrent webhook or reconciliation round): same end state.
                    await payments.MarkSettledAsync(booking.TenantId, booking.Id, ct);
                    return Settlement.AlreadySettled;
                }

                var reason = outcome is ChangeOutcome.WrongState { Status: BookingStatus.Cancelled } ? BookingRefundReasons.HoldCancelled : BookingRefundReasons.HoldLapsed;
                logger.LogInformation("Payment for booking {BookingId} arrived after its hold ended ({Outcome}); refunding", booking.Id, outcome.GetType().Name);
                await this.RefundAsync(booking, intent, reason, Received(booking, intent), ct);
                await payments.MarkSettledAsync(booking.TenantId, booking.Id, ct);
                return Settlement.Refunded;

            case BookingStatus.Cancelled when booking.ConfirmedAt is null:
                await this.RefundAsync(booking, intent, BookingRefundReasons.HoldCancelled, Received(booking, intent), ct);
                await payments.MarkSettledAsync(booking.TenantId, booking.Id, ct);
                return Settlement.Refunded;

            case BookingStatus.Cancelled:
                return await this.RefundCancellationAsync(booking.TenantId, booking.Id, ct);

            default:
                await payments.MarkSettledAsync(booking.TenantId, booking.Id, ct);
                return Settlement.AlreadySettled;
        }
    }

    private async Task<Settlement> ReleaseAsync(Booking booking, string reason, CancellationToken ct)
    {
        // A hold whose time already ran out is left to the sweep, which records it as expired.
        if (booking.Status == BookingStatus.Held && booking.ExpiresAt > clock.GetCurrentInstant())
        {
            await cancel.ReleaseHoldAsync(booking.TenantId, booking.Id, reason, ct);
        }

        // A confirmed booking whose PaymentIntent was cancelled was settled in person: nothing more to ask Stripe.
        if (booking.Status is BookingStatus.Held or BookingStatus.Expired or BookingStatus.Cancelled or BookingStatus.Confirmed or BookingStatus.Completed)
        {
            await payments.MarkSettledAsync(booking.TenantId, booking.Id, ct);
        }

        return Settlement.Released;
    }

    /// <summary>
    /// The payment failed, or the hold lapsed unpaid: the PaymentIntent is cancelled first so it cannot
    /// succeed later, then the hold is released. If it succeeded in between, settle it as paid.
    /// </summary>
    private async Task<Settlement> AbandonAsync(Booking booking, PaymentIntent intent, CancellationToken ct)
    {
        if (!await stripe.CancelPaymentIntentAsync(intent.Id, ct))
        {
            var now = await stripe.GetPaymentIntentAsync(intent.Id, ct);
            return now.Status == "succeeded" ? await this.SettlePaidAsync(booking, now, ct) : Settlement.Pending;
        }

        if (booking.Status is BookingStatus.Confirmed or BookingStatus.Completed)
        {
            // Confirmed without this payment (the business took it in person): it must not be charged again.
            await payments.MarkSettledAsync(booking.TenantId, booking.Id, ct);
            return Settlement.AlreadySettled;
        }

        return await this.ReleaseAsync(booking, "payment_failed", ct);
    }

    /// <summary>Amount and currency paid are the booking's: checked on every success, before anything is confirmed.</summary>
    private static bool MatchesBooking(Booking booking, PaymentIntent intent) =>
        intent.Amount == booking.AmountMinor
        && (intent.AmountReceived == 0 || intent.AmountReceived == booking.AmountMinor)
        && string.Equals(intent.Currency, booking.Currency.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether this payment is the one that confirmed the booking. Confirming in person keeps the hold's
    /// PaymentIntent id on the booking but gives no receipt number; a payment always earns one.
    /// </summary>
    private static bool PaidBy(Booking booking, PaymentIntent intent) => booking.PaymentIntentId == intent.Id && booking.ReceiptNumber is not null;

    /// <summary>What Stripe actually took (the booking's amount if Stripe does not say).</summary>
    private static long Received(Booking booking, PaymentIntent intent) => intent.AmountReceived > 0 ? intent.AmountReceived : booking.AmountMinor;

    /// <summary>
    /// A payment that is not the booking's price never confirms it: recorded as an anomaly and given back
    /// whole. A hold keeps running until it expires (the customer may book again); a booking already paid
    /// by its own PaymentIntent is left alone, since the mismatch can only be a later change on our side.
    /// </summary>
    private async Task<Settlement> RefundMismatchAsync(Booking booking, PaymentIntent intent, CancellationToken ct)
    {
        if (PaidBy(booking, intent))
        {
            await payments.MarkSettledAsync(booking.TenantId, booking.Id, ct);
            return Settlement.AlreadySettled;
        }

        if (!(await payments.RefundReasonsAsync(booking.Id, ct)).Contains(BookingRefundReasons.AmountMismatch))
        {
            await anomalies.RecordAsync(
                PaymentAnomalyKinds.AmountMismatch,
                $"PaymentIntent {intent.Id} took {intent.AmountReceived} of {intent.Amount} {intent.Currency}; booking {booking.Id} costs {booking.AmountMinor} {booking.Currency.Trim()}",
                booking.TenantId,
                booking.Id,
                intent.Id,
                ct: ct);
        }

        await this.RefundAsync(booking, intent, BookingRefundReasons.AmountMismatch, Received(booking, intent), ct);
        await payments.MarkSettledAsync(booking.TenantId, booking.Id, ct);
        return Settlement.Refunded;
    }

    private async Task RefundAsync(Booking booking, PaymentIntent intent, string reason, long amount, CancellationToken ct)
    {
        var refund = await payments.EnsureRefundAsync(
            booking.TenantId, booking.Id, reason, intent.Id, amount, intent.Currency?.ToUpperInvariant() ?? booking.Currency.Trim(), RefundPolicyVersion.Of(booking.Policy), ct);
        if (refund.StripeRefundId is not null)
        {
            return;
        }

        var created = await stripe.CreateRefundAsync(refund, StripeGateway.IsDestinationCharge(intent), intent.ApplicationFeeAmount > 0, ct);
        await payments.CompleteRefundAsync(refund, created.Id, created.Status, ct);
    }
}
