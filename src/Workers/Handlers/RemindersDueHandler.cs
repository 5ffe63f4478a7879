using BookingAws.Shared.Messaging;
using BookingAws.Workers.Jobs;
using BookingAws.Workers.Sqs;
using NodaTime;

namespace BookingAws.Workers.Handlers;

/// <summary>The scheduler tick. Needs no inbox: claiming reminders is idempotent by itself.</summary>
public sealed class RemindersDueHandler(ReminderScheduler scheduler) : IMessageHandler<RemindersDue>
{
    public string Name => "notifications.reminders-due";

    public async Task HandleAsync(RemindersDue message, IncomingMessage envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await scheduler.RunAsync(Instant.FromDateTimeOffset(message.At), null, cancellationToken);
    }
}
