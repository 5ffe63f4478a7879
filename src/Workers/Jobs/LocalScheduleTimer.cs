using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Sqs;

namespace BookingAws.Workers.Jobs;

/// <summary>
/// Locally stands in for one EventBridge Scheduler schedule of <see cref="MessageTopology.Schedules"/>: puts the same
/// message (<c>{"type":…,"at":…}</c>) on the queue the declaration names, at start and then every interval.
/// </summary>
public sealed partial class LocalScheduleTimer(
    ScheduleDeclaration schedule,
    TimeSpan interval,
    IAmazonSQS sqs,
    QueueResolver queues,
    TimeProvider time,
    ILogger<LocalScheduleTimer> logger) : BackgroundService
{
    /// <summary>Registers a timer for the declared schedule that sends <paramref name="messageType"/>.</summary>
    public static void Add(IServiceCollection services, string messageType, TimeSpan interval)
    {
        var schedule = MessageTopology.Schedules.Single(s => s.MessageType == messageType);
        services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<LocalScheduleTimer>(sp, schedule, interval));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                var body = JsonSerializer.Serialize(new { type = schedule.MessageType, at = time.GetUtcNow() }, Shared.Messaging.Outbox.Json);
                var url = await queues.UrlForAsync(schedule.Queue.Name, stoppingToken);
                await sqs.SendMessageAsync(new SendMessageRequest(url, body), stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogTickFailed(logger, schedule.Id, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false) is true && !stoppingToken.IsCancellationRequested);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send the local {Schedule} tick")]
    private static partial void LogTickFailed(ILogger logger, string schedule, Exception exception);
}
