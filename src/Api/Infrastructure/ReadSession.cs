using BookingAws.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using StackExchange.Redis;

namespace BookingAws.Api.Infrastructure;

/// <summary>
/// Routes queries to the replica while keeping read-your-writes for the person who just wrote: after a
/// write, the primary's WAL position is remembered in Redis for that user for a short while; a read by
/// the same user waits briefly for the replica to replay past it and otherwise reads the primary.
/// Everyone else, and anonymous readers, read the replica directly. If Redis is unreachable the user's
/// reads go to the primary: slower, never stale.
/// </summary>
public sealed class ReadSession(
    IServiceProvider services,
    [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource primaryDb,
    IConnectionMultiplexer redis,
    IHttpContextAccessor http,
    ILogger<ReadSession> logger)
{
    // Resolved on first use: a write-only request (a hold) should not pay for building two DbContexts.
    private ReadDbContext Replica => services.GetRequiredService<ReadDbContext>();

    private BookingDbContext Primary => services.GetRequiredService<BookingDbContext>();

    private static readonly TimeSpan RememberFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(500);

    /// <summary>The context to read from for the current caller.</summary>
    public async Task<BookingDataContext> ReaderAsync(CancellationToken ct)
    {
        var user = http.HttpContext is { } ctx ? CurrentUser.From(ctx.User) : null;
        if (user is null)
        {
            return Replica;
        }

        string? lsn;
        try
        {
            lsn = await redis.GetDatabase().StringGetAsync(Key(user.Id));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Redis unavailable; reading from the primary to keep read-your-writes");
            return PrimaryForReads();
        }

        try
        {
            if (lsn is null || await ReplicaCaughtUpAsync(lsn, ct))
            {
                return Replica;
            }
        }
        catch (NpgsqlException ex)
        {
            logger.LogWarning(ex, "Replica position unknown; reading from the primary");
        }

        return PrimaryForReads();
    }

    /// <summary>Remembers the primary's current WAL position for the caller after a committed write.</summary>
    public async Task RecordWriteAsync(CancellationToken ct)
    {
        var user = http.HttpContext is { } ctx ? CurrentUser.From(ctx.User) : null;
        if (user is null)
        {
            return;
        }

        await using var query = primaryDb.CreateCommand("SELECT pg_current_wal_insert_lsn()::text");
        var lsn = (string)(await query.ExecuteScalarAsync(ct))!;
        try
        {
            await redis.GetDatabase().StringSetAsync(Key(user.Id), lsn, RememberFor);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Without the marker the user may briefly read a lagging replica; the write itself stands.
            logger.LogWarning(ex, "Redis unavailable; could not record the write position");
        }
    }

    private async Task<bool> ReplicaCaughtUpAsync(string lsn, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + MaxWait;
        while (true)
        {
            var caughtUp = await Replica.Database
                .SqlQueryRaw<bool>("SELECT coalesce(pg_last_wal_replay_lsn() >= {0}::pg_lsn, true) AS \"Value\"", lsn)
                .SingleAsync(ct);
            if (caughtUp)
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(20, ct);
        }
    }

    private BookingDbContext PrimaryForReads()
    {
        var primary = Primary;
        primary.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
        return primary;
    }

    private static RedisKey Key(Guid userId) => $"rw:{userId}";
}
