using BookingAws.Shared.Messaging;
using BookingAws.Workers.Email;
using BookingAws.Workers.Sqs;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace BookingAws.Workers.Handlers;

/// <summary>Confirmation email with an .ics invite; for a paid booking (it has a receipt number) also the receipt with a PDF.</summary>
public sealed class BookingConfirmedHandler(
    BookingEmailServices services,
    IOptions<WorkerOptions> options,
    TimeProvider time)
    : BookingEmailHandler<BookingConfirmed>(services)
{
    public const string ConfirmationTemplate = "booking-confirmed";
    public const string ReceiptTemplate = "receipt";

    public override string Name => "notifications.booking-confirmed";

    protected override async Task SendAsync(IncomingMessage message, BookingConfirmed evt, BookingEmailFacts facts, CancellationToken cancellationToken)
    {
        var values = facts.Values();
        await SendTemplateAsync(message, ConfirmationTemplate, facts, values, [Calendar(facts, evt.ConfirmedAt)], cancellationToken);

        if (evt.ReceiptNumber is not { } number)
        {
            return;
        }

        var settings = options.Value.Receipts;
        var total = facts.Booking.AmountMinor;

        // Prices include tax: the tax share of a gross amount is gross × rate / (100 + rate).
        var tax = settings.TaxRatePercent > 0 ? (long)Math.Round(total * settings.TaxRatePercent / (100 + settings.TaxRatePercent), MidpointRounding.AwayFromZero) : 0;
        var issued = LocalDatePattern.CreateWithInvariantCulture("d MMMM yyyy").Format(Instant.FromDateTimeOffset(time.GetUtcNow()).InZone(facts.Zone).Date);
        var receipt = new ReceiptData(
            facts.Tenant.Name,
            number,
            issued,
            facts.Customer.Name,
            facts.Package.Name,
            facts.Booking.Seats,
            facts.Package.PriceMinor,
            total,
            facts.Booking.Currency,
            tax > 0 ? settings.TaxLabel : null,
            settings.TaxRatePercent,
            tax,
            evt.PaymentIntentId ?? facts.Booking.PaymentIntentId ?? "-",
            facts.Local(facts.Booking.StartsAt));

        values["receiptNumber"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        values["unitPrice"] = Money.Format(receipt.UnitPriceMinor, receipt.Currency);
        values["taxLine"] = tax > 0 ? $"Includes {settings.TaxLabel} {settings.TaxRatePercent:0.##}%: {Money.Format(tax, receipt.Currency)}" : string.Empty;
        values["paymentReference"] = receipt.PaymentReference;
        values["issuedOn"] = issued;
        var pdf = new EmailAttachment($"receipt-{number}.pdf", "application/pdf", ReceiptPdf.Create(receipt));
        await SendTemplateAsync(message, ReceiptTemplate, facts, values, [pdf], cancellationToken);
    }
}
