using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace BookingAws.Api.Infrastructure.RateLimiting;

/// <summary>
/// Which proxies may say who the client is (section <c>ReverseProxy</c>). In AWS the chain is CloudFront →
/// ALB → instance: the ALB is the peer (inside the VPC), CloudFront appended the viewer's address to
/// <c>X-Forwarded-For</c> and the ALB appended CloudFront's, so the client is the entry
/// <see cref="ProxyHops"/> from the right. Anything further left was written by the client and is ignored.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "ReverseProxy";

    /// <summary>CIDR ranges of the proxy that connects to the API; a peer outside them is the client itself.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>Proxies in the chain that each append one address (ALB + CloudFront = 2).</summary>
    public int ProxyHops { get; set; } = 1;

    internal IReadOnlyList<IPNetwork> Networks() => KnownNetworks.Select(n => IPNetwork.Parse(n)).ToList();
}

/// <summary>
/// Sets the connection's remote address to the client's, from <c>X-Forwarded-For</c>, only when the peer is
/// a known proxy: rate limits and logs then see the viewer, and no client can pick its own address.
/// </summary>
internal sealed class TrustedProxyMiddleware(RequestDelegate next, IOptions<TrustedProxyOptions> options)
{
    private readonly IReadOnlyList<IPNetwork> networks = options.Value.Networks();
    private readonly int hops = options.Value.ProxyHops;

    public Task InvokeAsync(HttpContext context)
    {
        var peer = context.Connection.RemoteIpAddress;
        if (peer is not null && networks.Count > 0 && IsKnown(peer) && ClientFrom(context.Request.Headers["X-Forwarded-For"]) is { } client)
        {
            context.Connection.RemoteIpAddress = client;
        }

        return next(context);
    }

    private bool IsKnown(IPAddress peer)
    {
        var address = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer;
        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private IPAddress? ClientFrom(Microsoft.Extensions.Primitives.StringValues headers)
    {
        var entries = headers.SelectMany(h => (h ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (entries.Count == 0)
        {
            return null;
        }

        var entry = entries[Math.Max(0, entries.Count - hops)];
        return IPEndPoint.TryParse(entry, out var endpoint) ? endpoint.Address : null;
    }
}

internal static class TrustedProxyServiceCollectionExtensions
{
    public static IServiceCollection AddTrustedProxy(this IServiceCollection services)
    {
        services.AddOptions<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.Section)
            .Validate(o => o.ProxyHops is >= 1 and <= 5, "ReverseProxy:ProxyHops must be between 1 and 5.")
            .Validate(o => o.KnownNetworks.All(n => IPNetwork.TryParse(n, out _)), "ReverseProxy:KnownNetworks must be CIDR ranges such as 10.40.0.0/16.")
            .ValidateOnStart();

        // ASPNETCORE_FORWARDEDHEADERS_ENABLED makes the host trust X-Forwarded-For from any peer. The client
        // address is TrustedProxyMiddleware's job; the host's middleware keeps only the scheme, from known proxies.
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((o, proxy) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var network in proxy.Value.KnownNetworks.Where(n => IPNetwork.TryParse(n, out _)))
            {
                o.KnownIPNetworks.Add(IPNetwork.Parse(network));
            }
        });
        return services;
    }
}
