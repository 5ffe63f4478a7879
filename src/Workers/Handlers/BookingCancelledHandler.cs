using BookingAws.Shared.Calendar;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Email;
using BookingAws.Workers.Sqs;

namespace BookingAws.Workers.Handlers;

public sealed class BookingCancelledHandler(
    BookingEmailServices services)
    : BookingEmailHandler<BookingCancelled>(services)
{
    public const string Template = "booking-cancelled";

    public override string Name => "notifications.booking-cancelled";

    protected override Task SendAsync(IncomingMessage message, BookingCancelled evt, BookingEmailFacts facts, CancellationToken cancellationToken)
    {
        var values = facts.Values();
        values["reason"] = string.IsNullOrWhiteSpace(evt.Reason) ? "No reason was given." : evt.Reason;
        values["cancelledBy"] = evt.CancelledBy;
        // Only a booking that was confirmed had an invitation to withdraw; a released hold never reached a calendar.
        IReadOnlyList<EmailAttachment> calendar = facts.Booking.ConfirmedAt is null ? [] : [Calendar(facts, evt.CancelledAt, IcsMethod.Cancel)];
        return SendTemplateAsync(message, Template, facts, values, calendar, cancellationToken);
    }
}
