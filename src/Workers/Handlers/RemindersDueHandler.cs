using System.Text.Json;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Jobs;
using BookingAws.Workers.Sqs;
using NodaTime;

namespace BookingAws.Workers.Handlers;

/// <summary>The scheduler tick. Needs no inbox: claiming reminders is idempotent by itself.</summary>
public sealed class RemindersDueHandler(ReminderScheduler scheduler) : IMessageHandler
{
    public string Name => "notifications.reminders-due";

    public async Task HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var tick = JsonSerializer.Deserialize<RemindersDue>(message.Body, Shared.Messaging.Outbox.Json)
            ?? throw new InvalidOperationException("Empty reminders.due.v1 payload.");
        await scheduler.RunAsync(Instant.FromDateTimeOffset(tick.At), null, cancellationToken);
    }
}
