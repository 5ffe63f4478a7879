using System.Net;
using BookingAws.Api.Infrastructure.RateLimiting;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace BookingAws.Api.Infrastructure.Tracing;

/// <summary>Section <c>Tracing</c> (the API's part): who may continue a trace into the API.</summary>
public sealed class TraceTrustOptions
{
    /// <summary>CIDR ranges of callers whose <c>traceparent</c> the API continues. None in AWS: every request
    /// arrives through the public edge. Loopback in Development, so local tools and tests can join a trace.</summary>
    public List<string> TrustedNetworks { get; set; } = [];
}

/// <summary>
/// Decides whether a request's trace context was written by us or by someone on the internet. The origin secret
/// does not decide it: CloudFront forwards every viewer header but Host to the ALB (EdgeStack's origin request
/// policy) and the ALB forwards them to us, so a <c>traceparent</c> on a request that came through the edge is
/// whatever the browser or script sent, secret header or not. Hence: anything a proxy relayed (an
/// <c>X-Forwarded-For</c>, or a peer in <c>ReverseProxy:KnownNetworks</c>) is untrusted, and otherwise only a
/// peer in <c>Tracing:TrustedNetworks</c> is trusted. Judged on the connection's own peer, before
/// <see cref="TrustedProxyMiddleware"/> replaces it with the client's address.
/// </summary>
internal sealed class TraceContextTrust(IOptions<TraceTrustOptions> tracing, IOptions<TrustedProxyOptions> proxy)
{
    private readonly IReadOnlyList<IPNetwork> trusted = tracing.Value.TrustedNetworks.Select(n => IPNetwork.Parse(n)).ToList();
    private readonly IReadOnlyList<IPNetwork> proxies = proxy.Value.Networks();

    public bool Trusts(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is not { } peer || context.Request.Headers.ContainsKey("X-Forwarded-For"))
        {
            return false;
        }

        var address = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer;
        return !In(proxies, address) && In(trusted, address);
    }

    private static bool In(IReadOnlyList<IPNetwork> networks, IPAddress address)
    {
        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
