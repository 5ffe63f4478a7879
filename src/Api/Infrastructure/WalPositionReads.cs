using BookingAws.Shared.Data;
using Npgsql;
using StackExchange.Redis;

namespace BookingAws.Api.Infrastructure;

/// <summary>
/// <see cref="ReadYourWritesMode.WalPosition"/>: after a write the primary's WAL position is remembered in
/// Redis for the user; their next read waits briefly for the replica to replay past it, else reads the primary.
/// </summary>
public sealed class WalPositionReads(
    [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource primaryDb,
    [FromKeyedServices(DataSources.Replica)] NpgsqlDataSource replicaDb,
    IConnectionMultiplexer redis,
    ILogger<WalPositionReads> logger) : IReadYourWrites
{
    private static readonly TimeSpan RememberFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(500);

    public async Task<bool> MustReadPrimaryAsync(Guid userId, CancellationToken ct)
    {
        string? lsn = await redis.GetDatabase().StringGetAsync(Key(userId));
        try
        {
            return lsn is not null && !await ReplicaCaughtUpAsync(lsn, ct);
        }
        catch (NpgsqlException ex)
        {
            logger.LogWarning(ex, "Replica position unknown; reading from the primary");
            return true;
        }
    }

    public async Task RecordWriteAsync(Guid userId, CancellationToken ct)
    {
        await using var query = primaryDb.CreateCommand("SELECT pg_current_wal_insert_lsn()::text");
        var lsn = (string)(await query.ExecuteScalarAsync(ct))!;
        await redis.GetDatabase().StringSetAsync(Key(userId), lsn, RememberFor);
    }

    private async Task<bool> ReplicaCaughtUpAsync(string lsn, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + MaxWait;
        await using var query = replicaDb.CreateCommand("SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, true)");
        query.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lsn });
        while (true)
        {
            if ((bool)(await query.ExecuteScalarAsync(ct))!)
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

    private static RedisKey Key(Guid userId) => $"rw:{userId}";
}
