using BookingAws.Shared.Data;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace BookingAws.Shared.Realtime;

/// <summary>What the portal is told when a business's availability changed: the times of every booking that
/// changed since the last push (held, confirmed, cancelled, expired, or freed by a reschedule), merged where
/// they overlap, in UTC. A client maps them to days in the business's zone and refetches only the days it
/// shows. No package: inventory can be shared between packages, so any change may alter any package's seats.</summary>
public sealed record AvailabilityChanged(Guid TenantId, IReadOnlyList<ChangedTime> Changes);

/// <summary>One changed span of time [StartsAt, EndsAt).</summary>
public sealed record ChangedTime(DateTimeOffset StartsAt, DateTimeOffset EndsAt);

/// <summary>
/// Live availability for the customer portal. A client calls <see cref="WatchTenant"/> with a business's
/// slug and joins that business's group; the workers push <see cref="ChangedMethod"/> to the group through
/// the Redis backplane, so whichever API instance holds the socket delivers it and no instance keeps
/// state another needs. The hub type lives here because the workers address it by type too.
/// </summary>
public sealed class AvailabilityHub(ReadDbContext db, IMemoryCache cache) : Hub
{
    public const string Path = "/hubs/availability";
    public const string ChangedMethod = "availabilityChanged";

    /// <summary>A page watches one business and re-watches after reconnects; more calls than this on one
    /// connection is not a portal, and the connection is dropped.</summary>
    public const int MaxWatchCallsPerConnection = 20;

    private const string WatchingKey = "watching";
    private const string CallsKey = "watch-calls";

    public static string GroupFor(Guid tenantId) => $"tenant:{tenantId}";

    /// <summary>Watches one business; watching another leaves the first, so a connection costs one group at most.</summary>
    public async Task WatchTenant(string slug)
    {
        var calls = (Context.Items.TryGetValue(CallsKey, out var n) ? (int)n! : 0) + 1;
        Context.Items[CallsKey] = calls;
        if (calls > MaxWatchCallsPerConnection)
        {
            Context.Abort();
            throw new HubException("Too many watch requests on one connection.");
        }

        // The sign-up rule for slugs, checked before any lookup or cache entry.
        if (string.IsNullOrEmpty(slug) || slug.Length > 63 || !slug.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            throw new HubException("Give a business slug.");
        }

        // Cached like the catalogue: reconnect storms after a deploy must not become a query per socket.
        var tenantId = await cache.GetOrCreateAsync($"hub-tenant:{slug}", async entry =>
        {
            var id = await db.Tenants.Where(t => t.Slug == slug).Select(t => (Guid?)t.Id).SingleOrDefaultAsync(Context.ConnectionAborted);
            entry.AbsoluteExpirationRelativeToNow = id is null ? TimeSpan.FromSeconds(2) : TimeSpan.FromMinutes(5);
            return id;
        }) ?? throw new HubException($"No business '{slug}'.");

        var group = GroupFor(tenantId);
        if (Context.Items.TryGetValue(WatchingKey, out var previous) && previous is string old && old != group)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, old, Context.ConnectionAborted);
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, group, Context.ConnectionAborted);
        Context.Items[WatchingKey] = group;
    }
}

public static class RealtimeServiceCollectionExtensions
{
    /// <summary>SignalR with the Redis backplane: the API hosts the hub, the workers only send through it.
    /// Redis being down stops live pushes (clients keep what they fetched), nothing else.</summary>
    public static ISignalRServerBuilder AddAvailabilityPush(this IServiceCollection services, string redisConnectionString) =>
        services.AddMemoryCache().AddSignalR(o => o.MaximumReceiveMessageSize = 4 * 1024)
            .AddStackExchangeRedis(o =>
            {
                // The connection string's own settings win; these are only defaults.
                o.Configuration = ConfigurationOptions.Parse("abortConnect=false,connectTimeout=2000," + redisConnectionString);
                o.Configuration.ChannelPrefix = RedisChannel.Literal("bookingaws");
            });
}
