using BookingAws.Shared.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingAws.Api.Infrastructure;

/// <summary>
/// Measures replica lag on the writer in the background and turns it into the read-your-writes pin window:
/// clamp(factor × largest lag of the last samples, min, max), or max while the lag cannot be read. On Aurora
/// the lag comes from <c>aurora_replica_status()</c>; on plain PostgreSQL from <c>pg_stat_replication</c>'s
/// replay lag. Neither path uses a WAL position function, which Aurora lacks.
/// </summary>
public sealed class ReplicaLagSampler(
    [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource primaryDb,
    IOptions<ReadYourWritesOptions> options,
    TimeProvider time,
    ILogger<ReplicaLagSampler> logger) : BackgroundService
{
    public const string AuroraSource = "aurora_replica_status";
    public const string PostgresSource = "pg_stat_replication";

    private readonly Queue<TimeSpan?> samples = new();
    private string? source;
    private int unreadable;
    private TimeSpan window = options.Value.PinWindowMax;

    /// <summary>How long a write pins its user to the primary; the maximum until a sample has been read.</summary>
    public TimeSpan Window => window;

    /// <summary>Where the lag was read from last (<see cref="AuroraSource"/> or <see cref="PostgresSource"/>).</summary>
    public string? Source => source;

    public TimeSpan? LastLag { get; private set; }

    public static TimeSpan WindowFor(TimeSpan? largestLag, ReadYourWritesOptions o) =>
        largestLag is { } lag
            ? TimeSpan.FromTicks(Math.Clamp((long)(lag.Ticks * o.PinWindowLagFactor), o.PinWindowMin.Ticks, o.PinWindowMax.Ticks))
            : o.PinWindowMax;

    /// <summary>Reads the lag once and updates <see cref="Window"/>.</summary>
    public async Task SampleAsync(CancellationToken ct)
    {
        TimeSpan? lag;
        try
        {
            lag = await ReadLagAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Once per outage, not every sample: a role that may not read the lag would otherwise log all day.
            if (Interlocked.Exchange(ref unreadable, 1) == 0)
            {
                logger.LogWarning(ex, "Replica lag unreadable; pinning writers to the primary for the maximum window");
            }

            lag = null;
        }

        if (lag is not null && Interlocked.Exchange(ref unreadable, 0) == 1)
        {
            logger.LogInformation("Replica lag readable again ({Lag} ms)", lag.Value.TotalMilliseconds);
        }

        var o = options.Value;
        lock (samples)
        {
            samples.Enqueue(lag);
            while (samples.Count > o.LagSamplesKept)
            {
                samples.Dequeue();
            }

            // One unreadable sample among the recent ones means the largest lag is unknown.
            var largest = samples.Any(s => s is null) ? null : samples.Max();
            LastLag = lag;
            window = WindowFor(largest, o);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LagSampleInterval, time);
        do
        {
            await SampleAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<TimeSpan?> ReadLagAsync(CancellationToken ct)
    {
        source ??= await HasAuroraReplicaStatusAsync(ct) ? AuroraSource : PostgresSource;
        if (source == AuroraSource)
        {
            // The writer's own row reports no lag; readers report theirs. No readers: NULL, so unknown.
            await using var aurora = primaryDb.CreateCommand("SELECT max(replica_lag_in_msec)::float8 FROM aurora_replica_status()");
            return await aurora.ExecuteScalarAsync(ct) is double ms ? TimeSpan.FromMilliseconds(ms) : null;
        }

        // Rows without a state are standbys this role may not inspect (no pg_monitor): unknown, not zero.
        // An idle, caught-up standby reports no replay lag: zero.
        await using var postgres = primaryDb.CreateCommand(
            "SELECT CASE WHEN count(state) = 0 THEN NULL ELSE coalesce(extract(epoch FROM max(replay_lag)) * 1000, 0)::float8 END FROM pg_stat_replication");
        return await postgres.ExecuteScalarAsync(ct) is double replay ? TimeSpan.FromMilliseconds(replay) : null;
    }

    private async Task<bool> HasAuroraReplicaStatusAsync(CancellationToken ct)
    {
        await using var probe = primaryDb.CreateCommand("SELECT to_regprocedure('aurora_replica_status()') IS NOT NULL");
        return (bool)(await probe.ExecuteScalarAsync(ct))!;
    }
}
