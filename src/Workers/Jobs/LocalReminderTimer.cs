using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Sqs;
using Microsoft.Extensions.Options;

namespace BookingAws.Workers.Jobs;

/// <summary>Locally stands in for the EventBridge Scheduler schedule: puts the same <c>reminders.due.v1</c> message
/// on the notifications queue at start and then every interval.</summary>
public sealed partial class LocalReminderTimer(
    IAmazonSQS sqs,
    QueueResolver queues,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    ILogger<LocalReminderTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Reminders.LocalTimerInterval, time);
        do
        {
            try
            {
                var body = JsonSerializer.Serialize(new { type = RemindersDue.WireName, at = time.GetUtcNow() }, Shared.Messaging.Outbox.Json);
                var url = await queues.UrlForAsync(MessageTopology.Notifications.Name, stoppingToken);
                await sqs.SendMessageAsync(new SendMessageRequest(url, body), stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogTickFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false) is true && !stoppingToken.IsCancellationRequested);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send the local reminders tick")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
