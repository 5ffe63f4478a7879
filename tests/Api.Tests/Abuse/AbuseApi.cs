using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace BookingAws.Api.Tests.Abuse;

/// <summary>
/// The API with low abuse limits, behind a "proxy" (loopback is trusted as the load balancer, two hops as
/// CloudFront + ALB), so each test speaks as its own client addresses. The counters live in the real Redis
/// under a prefix of this factory's own, so no other test run's traffic counts against them.
/// </summary>
public class AbuseApi : ApiFactory
{
    public const int HoldsPerIp = 3;
    public const int HoldsPerEmail = 5;
    public const int HoldsPerBusiness = 6;
    public const int ActiveHoldsPerEmail = 2;
    public const int SignUpsPerEmail = 2;
    public const int LinkWritesPerIp = 2;

    private static int lastAddress;

    /// <summary>A business whose limits are overridden: many holds, one active hold per email.</summary>
    public string GenerousSlug { get; } = "generous-" + Guid.NewGuid().ToString("N")[..10];

    protected string KeyPrefix { get; } = "test" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The network of the "load balancer": loopback, where the tests connect from.</summary>
    protected virtual string TrustedNetwork => "127.0.0.0/8";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Added last, so these win over the suite-wide settings of SuiteLimits (environment variables).
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RateLimits:KeyPrefix"] = KeyPrefix,
            ["RateLimits:Holds:PerIp:PermitLimit"] = $"{HoldsPerIp}",
            ["RateLimits:Holds:PerEmail:PermitLimit"] = $"{HoldsPerEmail}",
            ["RateLimits:Holds:PerBusiness:PermitLimit"] = $"{HoldsPerBusiness}",
            ["RateLimits:MaxActiveHoldsPerEmail"] = $"{ActiveHoldsPerEmail}",
            ["RateLimits:SignUps:PerEmail:PermitLimit"] = $"{SignUpsPerEmail}",
            ["RateLimits:BookingLinks:PerIp:PermitLimit"] = $"{LinkWritesPerIp}",
            [$"RateLimits:Businesses:{GenerousSlug}:Holds:PerBusiness:PermitLimit"] = "100",
            [$"RateLimits:Businesses:{GenerousSlug}:MaxActiveHoldsPerEmail"] = "1",
            ["ReverseProxy:KnownNetworks:0"] = TrustedNetwork,
            ["ReverseProxy:ProxyHops"] = "2",
        }));
    }

    /// <summary>A client address no other test uses (TEST-NET and benchmarking ranges).</summary>
    public static string NewClientAddress()
    {
        var n = Interlocked.Increment(ref lastAddress);
        return $"198.18.{n / 250}.{(n % 250) + 1}";
    }

    /// <summary>A hold as it reaches the API from <paramref name="client"/> through CloudFront and the ALB.</summary>
    public static HttpRequestMessage HoldFrom(string client, BookingScenario s, HoldRequest request, string? key = null)
    {
        var message = BookingScenario.HoldMessage(s.Tenant, request, key);
        ForwardedFor(message, client);
        return message;
    }

    /// <summary>X-Forwarded-For as the ALB passes it on: whatever the client wrote, the viewer (CloudFront), the edge (ALB).</summary>
    public static void ForwardedFor(HttpRequestMessage message, string client) =>
        message.Headers.Add("X-Forwarded-For", $"203.0.113.99, {client}, 130.176.0.1");
}
