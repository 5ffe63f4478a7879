using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Email;
using BookingAws.Workers.Sqs;

namespace BookingAws.Workers.Handlers;

/// <summary>The day-before reminder; skipped if the booking was cancelled or moved since the reminder was claimed.</summary>
public sealed class BookingReminderDueHandler(
    BookingEmailServices services)
    : BookingEmailHandler<BookingReminderDue>(services)
{
    public const string Template = "booking-reminder";

    public override string Name => "notifications.booking-reminder";

    protected override Task SendAsync(IncomingMessage message, BookingReminderDue evt, BookingEmailFacts facts, CancellationToken cancellationToken)
    {
        var startsOn = facts.Booking.StartsAt.InZone(facts.Zone).Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        if (facts.Booking.Status != BookingStatus.Confirmed || startsOn != evt.LocalDate)
        {
            return Task.CompletedTask;
        }

        return SendTemplateAsync(message, Template, facts, facts.Values(), [Calendar(facts, facts.Booking.ConfirmedAt?.ToDateTimeOffset() ?? facts.Booking.CreatedAt.ToDateTimeOffset())], cancellationToken);
    }
}
