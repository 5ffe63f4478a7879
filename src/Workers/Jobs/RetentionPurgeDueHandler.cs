using BookingAws.Shared.Data.Retention;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Sqs;
using Microsoft.Extensions.Options;
using NodaTime;

namespace BookingAws.Workers.Jobs;

/// <summary>
/// The retention tick (<c>{"type":"schedule.retention-purge.v1","at":…}</c>): purges old bookkeeping rows under
/// <see cref="RetentionOptions"/>. Needs no inbox: purging twice finds nothing the second time, and several
/// workers purging at once skip each other's rows.
/// </summary>
public sealed partial class RetentionPurgeDueHandler(
    RetentionPurge purge, IOptions<WorkerOptions> options, IClock clock, ILogger<RetentionPurgeDueHandler> logger) : IMessageHandler<RetentionPurgeDue>
{
    public string Name => "analytics.retention-purge";

    public async Task HandleAsync(RetentionPurgeDue message, IncomingMessage envelope, CancellationToken cancellationToken)
    {
        var settings = options.Value.Retention;
        var deleted = await purge.RunAsync(settings.Periods(), clock.GetCurrentInstant(), settings.BatchSize, cancellationToken);
        foreach (var (table, rows) in deleted.Where(d => d.Value > 0))
        {
            LogPurged(logger, rows, table);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention purged {Rows} rows from {Table}")]
    private static partial void LogPurged(ILogger logger, long rows, string table);
}
