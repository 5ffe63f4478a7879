using BookingAws.Shared.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BookingAws.Shared.Messaging;

/// <summary>
/// Wakes the outbox relay after the hold's commit instead of at it. A transaction that NOTIFYs takes one lock for the
/// whole database at commit and keeps it until the commit is done, so under load every hold's commit (with its
/// inventory row still locked) queued behind every other's: pgbench of the hold's transaction lost a quarter of its
/// rate at 128 clients. The hold's batch turns the table's trigger off for its own transaction
/// (<see cref="SkipTriggerSql"/>) and calls <see cref="AfterCommit"/>; one loop per process then sends a NOTIFY of
/// its own (no row, no WAL, no row lock held), however many holds committed while the previous one was on its way.
/// If the primary cannot take it, the relay's poll still finds the rows.
/// </summary>
public sealed partial class OutboxWaker(
    [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db, ILogger<OutboxWaker> logger) : BackgroundService
{
    /// <summary>The channel the table's trigger and this NOTIFY, and the relay LISTENs on.</summary>
    public const string Channel = "outbox_messages";

    /// <summary>In a transaction that inserts outbox rows and calls <see cref="AfterCommit"/> once it committed.</summary>
    public const string SkipTriggerSql = "SET LOCAL bookingaws.outbox_wake = 'after_commit'";

    /// <summary>Between two NOTIFYs: wakes within this of a commit, and at most this many NOTIFYs a second per process.</summary>
    private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(5);

    private readonly SemaphoreSlim _pending = new(0, 1);

    // 1 while a NOTIFY is due and not yet sent: later commits need not release the loop again (it is on the hold's
    // path, so no exception per call).
    private int _due;

    private long _sent;

    /// <summary>Counts NOTIFYs sent (for tests and operators).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Asks for a NOTIFY soon; never waits and never throws.</summary>
    public void AfterCommit()
    {
        if (Interlocked.Exchange(ref _due, 1) == 0)
        {
            _pending.Release();
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _pending.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _pending.WaitAsync(stoppingToken);

                // Cleared before sending: a commit after this asks again, one before it is covered by this NOTIFY.
                Volatile.Write(ref _due, 0);
                await using (var notify = db.CreateCommand($"SELECT pg_notify('{Channel}', '')"))
                {
                    await notify.ExecuteNonQueryAsync(stoppingToken);
                }

                Interlocked.Increment(ref _sent);
                await Task.Delay(Spacing, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // The relay polls meanwhile; a second now, so an outage is not hammered.
                LogNotifyFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not wake the outbox relay; it finds the rows on its next poll")]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception);
}
