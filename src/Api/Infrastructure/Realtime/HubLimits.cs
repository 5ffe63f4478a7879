using System.Collections.Concurrent;
using System.Net;
using BookingAws.Shared.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace BookingAws.Api.Infrastructure.Realtime;

/// <summary>Limits of the live availability hub (<see cref="AvailabilityHubOptions"/>): timeouts for quiet and idle
/// clients, and a cap on the sockets one client address holds.</summary>
public static class HubLimits
{
    public static IServiceCollection AddHubLimits(this IServiceCollection services)
    {
        services.AddOptions<AvailabilityHubOptions>().BindConfiguration(AvailabilityHubOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<HubConnectionsPerIp>();
        services.AddOptions<HubOptions<AvailabilityHub>>().Configure<IOptions<AvailabilityHubOptions>>((hub, limits) =>
        {
            hub.KeepAliveInterval = limits.Value.KeepAliveInterval;
            hub.ClientTimeoutInterval = limits.Value.ClientTimeout;
        });
        return services;
    }

    /// <summary>Counts the hub's connection requests (each lasts as long as its WebSocket) per client address,
    /// and answers 429 before the upgrade to one over the cap. Runs after the trusted-proxy middleware, so the
    /// address is the viewer's, not CloudFront's or the load balancer's.</summary>
    public static HubEndpointConventionBuilder WithConnectionCapPerIp(this HubEndpointConventionBuilder hub)
    {
        hub.Add(endpoint =>
        {
            var inner = endpoint.RequestDelegate!;
            // Every request but negotiate holds a connection: the hub takes WebSockets only, and the WebSocket
            // middleware runs inside the hub's endpoint, so the upgrade is not visible here yet.
            endpoint.RequestDelegate = context => !context.Request.Path.Value!.EndsWith("/negotiate", StringComparison.Ordinal) && context.Connection.RemoteIpAddress is { } address
                ? context.RequestServices.GetRequiredService<HubConnectionsPerIp>().RunAsync(address, context, inner)
                : inner(context);
        });
        return hub;
    }
}

/// <summary>Open hub connections per client address on this instance.</summary>
public sealed class HubConnectionsPerIp(IOptions<AvailabilityHubOptions> options)
{
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();

    public async Task RunAsync(IPAddress address, HttpContext context, RequestDelegate next)
    {
        var client = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (_open.AddOrUpdate(client, 1, (_, n) => n + 1) > options.Value.MaxConnectionsPerIp)
        {
            Release(client);
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "30";
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            Release(client);
        }
    }

    private void Release(IPAddress client)
    {
        // Drop the entry at zero so the map holds only addresses with open sockets.
        if (_open.AddOrUpdate(client, 0, (_, n) => n - 1) <= 0)
        {
            _open.TryRemove(new KeyValuePair<IPAddress, int>(client, 0));
        }
    }
}
