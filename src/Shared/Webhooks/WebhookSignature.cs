using System.Security.Cryptography;
using System.Text;

namespace BookingAws.Shared.Webhooks;

/// <summary>
/// <c>BookingAws-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body" keyed by the secret's UTF-8 bytes&gt;</c>.
/// The timestamp is signed too, so a captured request cannot be replayed later than the receiver's tolerance.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "BookingAws-Signature";
    public const string EventIdHeader = "BookingAws-Event-Id";
    public const string EventTypeHeader = "BookingAws-Event-Type";
    public const string DeliveryIdHeader = "BookingAws-Delivery-Id";
    public const string SecretPrefix = "whsec_";

    public static string NewSecret() =>
        SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Sign(string secret, long timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>The header value, with one <c>v1</c> per secret (the current one first, then a rotated-out one still honoured).</summary>
    public static string HeaderValue(long timestamp, string body, params string[] secrets) =>
        $"t={timestamp}," + string.Join(",", secrets.Select(s => "v1=" + Sign(s, timestamp, body)));

    /// <summary>What a receiver does: the timestamp is recent and one <c>v1</c> matches (compared in constant time).</summary>
    public static bool Verify(string secret, string header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(header);
        long? t = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(','))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2)
            {
                continue;
            }

            if (kv[0] == "t" && long.TryParse(kv[1], System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                t = parsed;
            }
            else if (kv[0] == "v1")
            {
                signatures.Add(kv[1]);
            }
        }

        if (t is not { } timestamp || Math.Abs(now.ToUnixTimeSeconds() - timestamp) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        return signatures.Exists(s => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(s)));
    }
}
