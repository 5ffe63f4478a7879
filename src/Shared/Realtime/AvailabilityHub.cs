using System.ComponentModel.DataAnnotations;
using BookingAws.Shared.Data;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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
public sealed class AvailabilityHub(ReadDbContext db, IMemoryCache cache, IOptions<AvailabilityHubOptions> options) : Hub
{
    public const string Path = "/hubs/availability";
    public const string ChangedMethod = "availabilityChanged";

    /// <summary>A page watches one business and re-watches after reconnects; more calls than this on one
    /// connection is not a portal, and the connection is dropped.</summary>
    public const int MaxWatchCallsPerConnection = 20;

    private const string WatchingKey = "watching";
    private const string CallsKey = "watch-calls";
    private const string StateKey = "watch-state";

    public static string GroupFor(Guid tenantId) => $"tenant:{tenantId}";

    /// <summary>A socket that never watches a business costs memory and a connection slot for nothing: it is
    /// closed once <see cref="AvailabilityHubOptions.WatchTimeout"/> passes without a successful watch.</summary>
    public override Task OnConnectedAsync()
    {
        var state = new WatchState();
        Context.Items[StateKey] = state;
        _ = CloseUnlessWatchingAsync(Context, state, options.Value.WatchTimeout);
        return Task.CompletedTask;
    }

    private static async Task CloseUnlessWatchingAsync(HubCallerContext context, WatchState state, TimeSpan timeout)
    {
        // A watch still being answered (a cold cache, a slow replica), or one that failed during the period (the
        // client may try again), earns another period rather than a close.
        int calls;
        do
        {
            calls = state.Calls;
            try
            {
                await Task.Delay(timeout, context.ConnectionAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        while (!state.Watching && (state.InCall || state.Calls != calls));

        if (!state.Watching)
        {
            context.Abort();
        }
    }

    /// <summary>Watches one business; watching another leaves the first, so a connection costs one group at most.</summary>
    public async Task WatchTenant(string slug)
    {
        var state = Context.Items.TryGetValue(StateKey, out var value) ? value as WatchState : null;
        state?.InCall = true;
        state?.Called();
        try
        {
            await WatchAsync(slug);
            state?.Watching = true;
        }
        finally
        {
            state?.InCall = false;
        }
    }

    private async Task WatchAsync(string slug)
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

    /// <summary>Read by the watch timeout, off the hub's invocation loop.</summary>
    private sealed class WatchState
    {
        private volatile bool _watching;
        private volatile bool _inCall;
        private int _calls;

        public bool Watching { get => _watching; set => _watching = value; }

        public bool InCall { get => _inCall; set => _inCall = value; }

        public int Calls => Volatile.Read(ref _calls);

        public void Called() => Interlocked.Increment(ref _calls);
    }
}

/// <summary>Limits of the live availability hub, section <c>AvailabilityHub</c>.</summary>
public sealed class AvailabilityHubOptions
{
    public const string Section = "AvailabilityHub";

    /// <summary>Open hub connections one client address may hold on one instance (the address as rate limiting
    /// sees it, behind the trusted proxies); one more is answered 429. Sized for many tabs behind one NAT.</summary>
    [Range(1, 100_000)]
    public int MaxConnectionsPerIp { get; set; } = 50;

    /// <summary>A connection that has not watched a business this long after connecting is closed.</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the server pings a quiet client (SignalR's KeepAliveInterval).</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A client silent this long (no message, no ping; the client pings every 15 s by default) is
    /// closed (SignalR's ClientTimeoutInterval): a vanished phone does not hold a socket for hours.</summary>
    public TimeSpan ClientTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

public static class RealtimeServiceCollectionExtensions
{
    /// <summary>SignalR with the Redis backplane: the API hosts the hub, the workers only send through it.
    /// Redis being down stops live pushes (clients keep what they fetched), nothing else.</summary>
    public static ISignalRServerBuilder AddAvailabilityPush(this IServiceCollection services, string redisConnectionString)
    {
        var builder = services.AddMemoryCache().AddSignalR(o => o.MaximumReceiveMessageSize = 4 * 1024)
            .AddStackExchangeRedis(o =>
            {
                // The connection string's own settings win; these are only defaults.
                o.Configuration = ConfigurationOptions.Parse("abortConnect=false,connectTimeout=2000," + redisConnectionString);
                o.Configuration.ChannelPrefix = RedisChannel.Literal("bookingaws");
                // With Redis down, fail at once instead of holding each connect or push 5 s in the backlog.
                o.Configuration.BacklogPolicy = BacklogPolicy.FailFast;
            });
        services.AddSingleton(typeof(HubLifetimeManager<>), typeof(OutageTolerantHubLifetimeManager<>));
        return builder;
    }
}
