using BookingAws.Shared.Data;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace BookingAws.Shared.Realtime;

/// <summary>What the portal is told when a business's availability changed: the changed booking's time,
/// so a client refetches only when it shows an overlapping range. Inventory can be shared between
/// packages, so clients refetch whatever package they show.</summary>
public sealed record AvailabilityChanged(Guid TenantId, Guid PackageId, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

/// <summary>
/// Live availability for the customer portal. A client calls <see cref="WatchTenant"/> with a business's
/// slug and joins that business's group; the workers push <see cref="ChangedMethod"/> to the group through
/// the Redis backplane, so whichever API instance holds the socket delivers it and no instance keeps
/// state another needs. The hub type lives here because the workers address it by type too.
/// </summary>
public sealed class AvailabilityHub(ReadDbContext db) : Hub
{
    public const string Path = "/hubs/availability";
    public const string ChangedMethod = "availabilityChanged";

    public static string GroupFor(Guid tenantId) => $"tenant:{tenantId}";

    public async Task WatchTenant(string slug)
    {
        if (string.IsNullOrWhiteSpace(slug) || slug.Length > 63)
        {
            throw new HubException("Give a business slug.");
        }

        var tenantId = await db.Tenants.Where(t => t.Slug == slug).Select(t => (Guid?)t.Id).SingleOrDefaultAsync(Context.ConnectionAborted)
            ?? throw new HubException($"No business '{slug}'.");
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupFor(tenantId), Context.ConnectionAborted);
    }
}

public static class RealtimeServiceCollectionExtensions
{
    /// <summary>SignalR with the Redis backplane: the API hosts the hub, the workers only send through it.
    /// Redis being down stops live pushes (clients keep what they fetched), nothing else.</summary>
    public static ISignalRServerBuilder AddAvailabilityPush(this IServiceCollection services, string redisConnectionString) =>
        services.AddSignalR(o => o.MaximumReceiveMessageSize = 4 * 1024)
            .AddStackExchangeRedis(o =>
            {
                o.Configuration = ConfigurationOptions.Parse(redisConnectionString);
                o.Configuration.AbortOnConnectFail = false;
                o.Configuration.ConnectTimeout = 2000;
                o.Configuration.ChannelPrefix = RedisChannel.Literal("bookingaws");
            });
}
