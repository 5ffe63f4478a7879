using BookingAws.Shared.Data;
using BookingAws.Shared.Messaging;
using Npgsql;

namespace BookingAws.Workers.Outbox;

/// <summary>A wake-up for the relay's idle pause: many signals before the relay looks count as one.</summary>
public sealed class OutboxWakeup : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled and not yet taken: one wake-up covers both.
        }
    }

    public void Dispose() => _signal.Dispose();

    /// <summary>True when signalled within <paramref name="timeout"/>.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// Holds one connection on the primary that LISTENs on <c>outbox_messages</c>, which the table's trigger
/// NOTIFYs at every commit that wrote a row (the hold's, just after: <see cref="OutboxWaker"/>), and wakes the relay on each notification. When the connection is
/// lost (failover, restart, network) it reconnects with back-off; meanwhile the relay's poll carries on alone,
/// and every (re)connection wakes the relay once for rows written while nobody listened.
/// </summary>
public sealed partial class OutboxListener(
    [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db,
    OutboxWakeup wakeup,
    TimeProvider time,
    ILogger<OutboxListener> logger) : BackgroundService
{
    public const string Channel = OutboxWaker.Channel;

    /// <summary>A connection quiet this long is checked with a query: a half-open TCP connection would otherwise
    /// wait for notifications forever.</summary>
    private static readonly TimeSpan QuietCheck = TimeSpan.FromSeconds(30);

    private volatile int _backendPid;

    /// <summary>The PostgreSQL backend listening now, or 0 (for operators and tests).</summary>
    public int BackendPid => _backendPid;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => wakeup.Signal();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                _backendPid = connection.ProcessID;
                if (failures > 0)
                {
                    LogListeningAgain(logger, failures);
                }

                failures = 0;
                wakeup.Signal();
                while (true)
                {
                    if (!await connection.WaitAsync(QuietCheck, stoppingToken))
                    {
                        await using var check = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = 10 };
                        await check.ExecuteScalarAsync(stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _backendPid = 0;
                failures++;
                var pause = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Min(failures - 1, 5))));
                LogListenLost(logger, ex, pause);
                try
                {
                    await Task.Delay(pause, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox LISTEN connection lost; the relay polls until it is back, reconnecting in {Pause}")]
    private static partial void LogListenLost(ILogger logger, Exception exception, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox LISTEN connection back after {Failures} failed attempt(s)")]
    private static partial void LogListeningAgain(ILogger logger, int failures);
}
