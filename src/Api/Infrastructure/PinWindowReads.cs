using StackExchange.Redis;

namespace BookingAws.Api.Infrastructure;

/// <summary>
/// <see cref="ReadYourWritesMode.PinWindow"/>: a write pins its user to the primary for a window that the
/// <see cref="ReplicaLagSampler"/> sizes from the measured replica lag; the pin is a Redis key whose TTL is
/// that window, so it holds across instances and expires by itself. No database call on either path.
/// </summary>
public sealed class PinWindowReads(IConnectionMultiplexer redis, ReplicaLagSampler lag) : IReadYourWrites
{
    public Task<bool> MustReadPrimaryAsync(Guid userId, CancellationToken ct) => redis.GetDatabase().KeyExistsAsync(Key(userId));

    public Task RecordWriteAsync(Guid userId, CancellationToken ct) => redis.GetDatabase().StringSetAsync(Key(userId), "1", lag.Window);

    public static RedisKey Key(Guid userId) => $"rw:pin:{userId}";
}
