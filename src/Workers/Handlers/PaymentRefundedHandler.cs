using BookingAws.Shared.Messaging;
using BookingAws.Workers.Email;
using BookingAws.Workers.Sqs;

namespace BookingAws.Workers.Handlers;

public sealed class PaymentRefundedHandler(
    BookingEmailServices services)
    : BookingEmailHandler<PaymentRefunded>(services)
{
    public const string Template = "payment-refunded";

    public override string Name => "notifications.payment-refunded";

    protected override Task SendAsync(IncomingMessage message, PaymentRefunded evt, BookingEmailFacts facts, CancellationToken cancellationToken)
    {
        var values = facts.Values();
        values["refundAmount"] = Money.Format(evt.AmountMinor, evt.Currency);
        values["reason"] = evt.Reason;
        values["paymentReference"] = evt.PaymentIntentId;
        return SendTemplateAsync(message, Template, facts, values, [], cancellationToken);
    }
}
