using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Sqs;
using Microsoft.Extensions.Options;

namespace BookingAws.Workers.Jobs;

/// <summary>Locally stands in for the retention schedule: puts the same <c>schedule.retention-purge.v1</c> message on
/// the queue <see cref="MessageTopology"/> names for it, at start and then every interval.</summary>
public sealed partial class LocalRetentionTimer(
    IAmazonSQS sqs,
    QueueResolver queues,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    ILogger<LocalRetentionTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = MessageTopology.Schedules.Single(s => s.MessageType == RetentionPurgeDue.WireName).Queue;
        using var timer = new PeriodicTimer(options.Value.Retention.LocalTimerInterval, time);
        do
        {
            try
            {
                var body = JsonSerializer.Serialize(new { type = RetentionPurgeDue.WireName, at = time.GetUtcNow() }, Shared.Messaging.Outbox.Json);
                var url = await queues.UrlForAsync(queue.Name, stoppingToken);
                await sqs.SendMessageAsync(new SendMessageRequest(url, body), stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogTickFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false) is true && !stoppingToken.IsCancellationRequested);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send the local retention tick")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
