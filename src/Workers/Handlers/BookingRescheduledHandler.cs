using BookingAws.Shared.Messaging;
using BookingAws.Workers.Email;
using BookingAws.Workers.Sqs;
using NodaTime;

namespace BookingAws.Workers.Handlers;

/// <summary>Tells the customer the new time, with an updated invite (same UID, so calendars move the event).</summary>
public sealed class BookingRescheduledHandler(
    BookingEmailServices services,
    TimeProvider time)
    : BookingEmailHandler<BookingRescheduled>(services)
{
    public const string Template = "booking-rescheduled";

    public override string Name => "notifications.booking-rescheduled";

    protected override Task SendAsync(IncomingMessage message, BookingRescheduled evt, BookingEmailFacts facts, CancellationToken cancellationToken)
    {
        var values = facts.Values();
        values["previousStartsAt"] = facts.Local(Instant.FromDateTimeOffset(evt.PreviousStartsAt));
        return SendTemplateAsync(message, Template, facts, values, [Calendar(facts, time.GetUtcNow())], cancellationToken);
    }
}
