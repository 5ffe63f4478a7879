using BookingAws.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace BookingAws.Workers.Outbox;

/// <summary>Runs <see cref="OutboxRelay"/> in a loop: straight on while there is work, a pause when the outbox is empty
/// that <see cref="OutboxListener"/> ends as soon as a commit writes a row, exponential back-off while publishing fails. Publishes the backlog as <c>bookingaws.outbox.backlog</c> and
/// the age of its oldest row as <c>bookingaws.outbox.oldest_age</c> (a relay that runs but cannot publish shows as age).</summary>
public sealed partial class OutboxRelayService : BackgroundService
{
    private readonly OutboxRelay _relay;
    private readonly OutboxWakeup _wakeup;
    private readonly IOptions<WorkerOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxRelayService> _logger;
    private long _backlog;
    private double _oldestAge;

    public OutboxRelayService(OutboxRelay relay, OutboxWakeup wakeup, IOptions<WorkerOptions> options, TimeProvider time, ILogger<OutboxRelayService> logger)
    {
        _relay = relay;
        _wakeup = wakeup;
        _options = options;
        _time = time;
        _logger = logger;
        Telemetry.Meter.CreateObservableGauge("bookingaws.outbox.backlog", () => Interlocked.Read(ref _backlog), unit: "{message}", description: "Outbox rows not yet published to SQS");
        Telemetry.Meter.CreateObservableGauge("bookingaws.outbox.oldest_age", () => Volatile.Read(ref _oldestAge), unit: "s", description: "Age of the oldest outbox row not yet published to SQS");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = _options.Value.Relay;
        var failures = 0;
        var lastCount = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan pause;
            try
            {
                if (_time.GetUtcNow() - lastCount > TimeSpan.FromSeconds(5))
                {
                    var (count, oldest) = await _relay.BacklogAsync(stoppingToken);
                    Interlocked.Exchange(ref _backlog, count);
                    Volatile.Write(ref _oldestAge, oldest);
                    lastCount = _time.GetUtcNow();
                }

                var result = await _relay.RelayBatchAsync(stoppingToken);
                // Back off only when nothing got through: one bad row must not delay every other event.
                failures = result.Failed > 0 && result.Sent == 0 ? failures + 1 : 0;
                pause = failures > 0 ? Backoff(settings, failures)
                    : result.Sent > 0 ? TimeSpan.Zero
                    : settings.PollInterval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Any failure (database, SQS client, anything unforeseen) only delays the next round;
                // letting it escape would stop the whole workers host.
                failures++;
                pause = Backoff(settings, failures);
                LogRelayError(_logger, ex, pause);
            }

            if (pause > TimeSpan.Zero)
            {
                try
                {
                    // Only the idle pause is cut short: a failing SQS or database keeps its back-off.
                    if (failures == 0)
                    {
                        await _wakeup.WaitAsync(pause, stoppingToken);
                    }
                    else
                    {
                        await Task.Delay(pause, _time, stoppingToken);
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    internal static TimeSpan Backoff(RelayOptions settings, int failures)
    {
        var ticks = settings.BaseBackoff.Ticks * Math.Pow(2, Math.Min(failures - 1, 20));
        return TimeSpan.FromTicks((long)Math.Min(ticks, settings.MaxBackoff.Ticks));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox relay failed; retrying in {Pause}")]
    private static partial void LogRelayError(ILogger logger, Exception exception, TimeSpan pause);
}
