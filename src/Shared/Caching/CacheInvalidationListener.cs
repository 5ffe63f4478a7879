using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BookingAws.Shared.Caching;

/// <summary>
/// Applies invalidations published by any host to this instance's L1. Subscribing does not need Redis to be
/// up: the multiplexer subscribes again when it reconnects. Messages published while this instance was cut
/// off are lost, so on reconnecting it drops everything it holds (the wildcard tag).
/// </summary>
internal sealed class CacheInvalidationListener(
    IConnectionMultiplexer redis, HybridCache cache, CacheInvalidation self, IOptions<CacheOptions> options, ILogger<CacheInvalidationListener> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored += OnRestored;
        try
        {
            await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(CacheTags.Channel), OnMessage).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Start without Redis; StackExchange.Redis keeps the subscription and makes it on reconnect.
            logger.LogWarning(e, "Could not subscribe to cache invalidations yet; they apply once Redis answers");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored -= OnRestored;
        return Task.CompletedTask;
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        var parts = ((string?)message ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || parts[0] == self.InstanceId)
        {
            return;
        }

        _ = CacheInvalidation.ApplyLocallyAsync(parts[1..], options.Value, cache, logger);
    }

    private void OnRestored(object? sender, ConnectionFailedEventArgs e)
    {
        // Whichever connection came back (with RESP3 one carries both commands and subscriptions).
        logger.LogInformation("Redis is back ({Connection}); dropping every cached entry, as invalidations may have been missed", e.ConnectionType);
        _ = CacheInvalidation.ApplyLocallyAsync(["*"], options.Value, cache, logger);
    }
}
