using System.Text.Json.Nodes;

namespace BookingAws.StripeEmulator;

/// <summary>
/// Connect money movements of destination charges: the transfer to the connected account, the platform's
/// application fee, and what a refund takes back from each (<c>reverse_transfer</c>, <c>refund_application_fee</c>).
/// </summary>
public sealed partial class EmulatorState
{
    private readonly Dictionary<string, JsonObject> applicationFees = [];

    public JsonObject GetApplicationFee(string id, FormParams p)
    {
        lock (this.gate)
        {
            var fee = this.applicationFees.GetValueOrDefault(id) ?? throw StripeApiException.Missing("application_fee", id, "id");
            return this.View(fee, p);
        }
    }

    /// <summary>
    /// The customer's bank takes its time: the PaymentIntent becomes <c>processing</c> (as with bank debits)
    /// and emits <c>payment_intent.processing</c>; a later confirm settles it either way.
    /// </summary>
    public JsonObject StartProcessing(string id)
    {
        var request = new RequestInfo(null, null);
        lock (this.gate)
        {
            var pi = this.FindPaymentIntent(id);
            var status = (string)pi["status"]!;
            if (status is not ("requires_payment_method" or "requires_confirmation" or "requires_action"))
            {
                throw UnexpectedState($"This PaymentIntent's status is {status}, but it must be requires_payment_method or requires_confirmation to be confirmed.");
            }

            pi["status"] = "processing";
            this.Emit("payment_intent.processing", pi, request, new JsonObject { ["status"] = status });
            return this.View(pi, FormParams.Empty);
        }
    }

    /// <summary>On a successful destination charge: the transfer to the connected account and the platform's fee.</summary>
    private void SettleConnectedAccount(JsonObject charge, JsonObject pi)
    {
        if (pi["transfer_data"]?["destination"] is not { } destination)
        {
            return;
        }

        var amount = Long(charge["amount"]);
        var fee = pi["application_fee_amount"] is { } f ? Long(f) : 0;
        charge["transfer"] = NewId("tr");
        charge["amount_transferred"] = amount - fee;
        charge["amount_reversed"] = 0;
        if (fee <= 0)
        {
            return;
        }

        var feeId = NewId("fee");
        this.applicationFees[feeId] = new JsonObject
        {
            ["id"] = feeId,
            ["object"] = "application_fee",
            ["account"] = destination.DeepClone(),
            ["amount"] = fee,
            ["amount_refunded"] = 0,
            ["charge"] = charge["id"]?.DeepClone(),
            ["created"] = this.Now(),
            ["currency"] = charge["currency"]?.DeepClone(),
            ["livemode"] = false,
            ["refunded"] = false,
        };
        charge["application_fee"] = feeId;
    }

    /// <summary>
    /// Stripe's rules for refunding a destination charge: without <c>reverse_transfer</c> the platform pays
    /// the whole refund; with it, the transfer is reversed in proportion to the refund; with
    /// <c>refund_application_fee</c> as well, the fee is given back in the same proportion.
    /// </summary>
    private void RefundConnectedAccount(FormParams p, JsonObject refund, JsonObject charge, long amount)
    {
        var reverse = p.Get("reverse_transfer") is "true";
        var refundFee = p.Get("refund_application_fee") is "true";
        if (charge["transfer"] is null)
        {
            if (reverse)
            {
                throw StripeApiException.InvalidRequest(
                    "parameter_invalid_boolean", "reverse_transfer can only be used when refunding a charge with a transfer (a destination charge).", "reverse_transfer");
            }

            return;
        }

        var total = Long(charge["amount"]);
        if (reverse)
        {
            var transferred = Long(charge["amount_transferred"]);
            var reversed = Math.Min(transferred - Long(charge["amount_reversed"]), transferred * amount / total);
            charge["amount_reversed"] = Long(charge["amount_reversed"]) + reversed;
            refund["transfer_reversal"] = NewId("trr");
        }

        if (refundFee && charge["application_fee"] is JsonValue feeIdValue && this.applicationFees.GetValueOrDefault((string)feeIdValue!) is { } fee)
        {
            var feeAmount = Long(fee["amount"]);
            var back = Math.Min(feeAmount - Long(fee["amount_refunded"]), feeAmount * amount / total);
            fee["amount_refunded"] = Long(fee["amount_refunded"]) + back;
            fee["refunded"] = Long(fee["amount_refunded"]) == feeAmount;
        }
    }
}
