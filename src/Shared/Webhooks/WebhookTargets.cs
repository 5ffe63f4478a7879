using System.Net;
using System.Net.Sockets;

namespace BookingAws.Shared.Webhooks;

/// <summary>
/// Where webhooks may go: public unicast addresses only. Private, loopback, link-local (the cloud metadata service at
/// 169.254.169.254), shared, multicast and reserved ranges are refused, for literal addresses and for every address a
/// name resolves to, at registration and again on every connection (a name may be re-pointed after it was checked).
/// Loopback alone can be allowed by <c>Webhooks:AllowLoopbackTargets</c>, a setting for tests and local benchmarks.
/// </summary>
public static class WebhookTargets
{
    private static readonly (IPAddress Network, int Prefix)[] Refused =
    [
        (IPAddress.Parse("0.0.0.0"), 8),
        (IPAddress.Parse("10.0.0.0"), 8),
        (IPAddress.Parse("100.64.0.0"), 10),
        (IPAddress.Parse("127.0.0.0"), 8),
        (IPAddress.Parse("169.254.0.0"), 16),
        (IPAddress.Parse("172.16.0.0"), 12),
        (IPAddress.Parse("192.0.0.0"), 24),
        (IPAddress.Parse("192.0.2.0"), 24),
        (IPAddress.Parse("192.88.99.0"), 24),
        (IPAddress.Parse("192.168.0.0"), 16),
        (IPAddress.Parse("198.18.0.0"), 15),
        (IPAddress.Parse("198.51.100.0"), 24),
        (IPAddress.Parse("203.0.113.0"), 24),
        (IPAddress.Parse("224.0.0.0"), 4),
        (IPAddress.Parse("240.0.0.0"), 4),
        (IPAddress.Parse("::"), 128),
        (IPAddress.Parse("::1"), 128),
        (IPAddress.Parse("100::"), 64),
        (IPAddress.Parse("2001:db8::"), 32),
        (IPAddress.Parse("fc00::"), 7),
        (IPAddress.Parse("fe80::"), 10),
        (IPAddress.Parse("fec0::"), 10),
        (IPAddress.Parse("ff00::"), 8),
    ];

    /// <summary>Null when <paramref name="address"/> may be called; otherwise why not.</summary>
    public static string? WhyRefused(IPAddress address, bool allowLoopback)
    {
        ArgumentNullException.ThrowIfNull(address);

        // An IPv4 address written as IPv6 (::ffff:10.0.0.1, or NAT64's 64:ff9b::/96) is judged as the IPv4 address it reaches.
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        else if (address.AddressFamily == AddressFamily.InterNetworkV6 && InPrefix(address, IPAddress.Parse("64:ff9b::"), 96))
        {
            address = new IPAddress(address.GetAddressBytes()[12..]);
        }

        if (IPAddress.IsLoopback(address))
        {
            return allowLoopback ? null : "a loopback address";
        }

        foreach (var (network, prefix) in Refused)
        {
            if (network.AddressFamily == address.AddressFamily && InPrefix(address, network, prefix))
            {
                return $"a private, link-local or reserved address ({network}/{prefix})";
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="url"/> cannot be a webhook target on its face (scheme, credentials, literal address); null if it can.</summary>
    public static string? WhyRefused(Uri url, bool allowLoopback)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri)
        {
            return "must be an absolute URL";
        }

        // Plain HTTP only where loopback is allowed (tests, local benchmarks): a webhook carries customer data.
        if (url.Scheme != Uri.UriSchemeHttps && !(allowLoopback && url.Scheme == Uri.UriSchemeHttp))
        {
            return "must use https";
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            return "must not carry credentials";
        }

        if ((url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6) && IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal))
        {
            return WhyRefused(literal, allowLoopback) is { } why ? $"points at {why}" : null;
        }

        if (url.HostNameType != UriHostNameType.Dns || (url.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase) && !allowLoopback))
        {
            return "must name a public host";
        }

        return null;
    }

    /// <summary>Resolves <paramref name="host"/> and returns its addresses if every one is allowed; otherwise throws.</summary>
    /// <exception cref="WebhookTargetRefusedException">Some address is refused, or the name does not resolve.</exception>
    public static async Task<IPAddress[]> ResolveAsync(string host, bool allowLoopback, CancellationToken ct)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return WhyRefused(literal, allowLoopback) is { } why
                ? throw new WebhookTargetRefusedException($"{host} is {why}")
                : [literal];
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, ct);
        }
        catch (SocketException e)
        {
            throw new WebhookTargetRefusedException($"{host} does not resolve ({e.SocketErrorCode})");
        }

        if (addresses.Length == 0)
        {
            throw new WebhookTargetRefusedException($"{host} does not resolve");
        }

        // Every answer must pass, not just one: the connection could be made to any of them.
        foreach (var address in addresses)
        {
            if (WhyRefused(address, allowLoopback) is { } why)
            {
                throw new WebhookTargetRefusedException($"{host} resolves to {address}, {why}");
            }
        }

        return addresses;
    }

    private static bool InPrefix(IPAddress address, IPAddress network, int prefix)
    {
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        if (a.Length != n.Length)
        {
            return false;
        }

        var full = prefix / 8;
        for (var i = 0; i < full; i++)
        {
            if (a[i] != n[i])
            {
                return false;
            }
        }

        var rest = prefix % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (a[full] & mask) == (n[full] & mask);
    }
}

/// <summary>A webhook target that may not be called (see <see cref="WebhookTargets"/>).</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);
