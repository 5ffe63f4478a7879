using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

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

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("RateLimits:KeyPrefix", KeyPrefix);
        builder.UseSetting("RateLimits:Holds:PerIp:PermitLimit", $"{HoldsPerIp}");
        builder.UseSetting("RateLimits:Holds:PerEmail:PermitLimit", $"{HoldsPerEmail}");
        builder.UseSetting("RateLimits:Holds:PerBusiness:PermitLimit", $"{HoldsPerBusiness}");
        builder.UseSetting("RateLimits:MaxActiveHoldsPerEmail", $"{ActiveHoldsPerEmail}");
        builder.UseSetting("RateLimits:SignUps:PerEmail:PermitLimit", $"{SignUpsPerEmail}");
        builder.UseSetting("RateLimits:BookingLinks:PerIp:PermitLimit", $"{LinkWritesPerIp}");
        builder.UseSetting($"RateLimits:Businesses:{GenerousSlug}:Holds:PerBusiness:PermitLimit", "100");
        builder.UseSetting($"RateLimits:Businesses:{GenerousSlug}:MaxActiveHoldsPerEmail", "1");
        builder.UseSetting("ReverseProxy:KnownNetworks:0", "127.0.0.0/8");
        builder.UseSetting("ReverseProxy:ProxyHops", "2");
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
