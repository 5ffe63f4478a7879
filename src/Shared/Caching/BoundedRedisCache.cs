using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BookingAws.Shared.Caching;

/// <summary>
/// HybridCache's L2: Redis, but never slower than <see cref="CacheOptions.RedisTimeout"/> and never an
/// error. A failed or slow call is a miss (or a skipped write), and for <see cref="CacheOptions.RedisRetryAfter"/>
/// afterwards Redis is not asked at all, so with Redis stopped or hung requests are served from L1 and the
/// database at their usual speed. When the multiplexer reconnects, calls resume by themselves.
/// </summary>
internal sealed class BoundedRedisCache(
    IDistributedCache redis, IConnectionMultiplexer connection, IOptions<CacheOptions> options, TimeProvider time, ILogger<BoundedRedisCache> logger)
    : IDistributedCache
{
    private long skipUntilTicks;

    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => BoundedAsync(ct => redis.GetAsync(key, ct), null, token);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        BoundedAsync(async ct => { await redis.SetAsync(key, value, options, ct); return true; }, false, token);

    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    public Task RefreshAsync(string key, CancellationToken token = default) =>
        BoundedAsync(async ct => { await redis.RefreshAsync(key, ct); return true; }, false, token);

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public Task RemoveAsync(string key, CancellationToken token = default) =>
        BoundedAsync(async ct => { await redis.RemoveAsync(key, ct); return true; }, false, token);

    private async Task<T> BoundedAsync<T>(Func<CancellationToken, Task<T>> call, T fallback, CancellationToken token)
    {
        if (!connection.IsConnected || time.GetUtcNow().UtcTicks < Interlocked.Read(ref skipUntilTicks))
        {
            return fallback;
        }

        try
        {
            // WaitAsync, not only the token: the client may not observe cancellation while it waits for a hung server.
            return await call(token).WaitAsync(options.Value.RedisTimeout, time, token);
        }
        catch (Exception e) when (!token.IsCancellationRequested)
        {
            Interlocked.Exchange(ref skipUntilTicks, (time.GetUtcNow() + options.Value.RedisRetryAfter).UtcTicks);
            logger.LogWarning(e, "Redis cache call failed; serving from memory and the database for {RetryAfter}", options.Value.RedisRetryAfter);
            return fallback;
        }
    }
}
