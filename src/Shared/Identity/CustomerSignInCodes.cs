using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BookingAws.Shared.Domain.Bookings;
using Microsoft.Extensions.Options;
using NodaTime;

namespace BookingAws.Shared.Identity;

/// <summary>A sign-in challenge: what the portal sends back with the code, and when the code stops working.</summary>
public sealed record SignInChallenge(string Value, Instant ExpiresAt);

public enum SignInCodeCheck
{
    /// <summary>Not a challenge we issued for this address: answered like a wrong code.</summary>
    UnknownChallenge,

    Expired,

    WrongCode,

    Valid,
}

/// <summary>
/// One-time sign-in codes for customers, built like a guest's email proof: the code is an HMAC of the challenge
/// and the address under the link keys (<see cref="BookingLinkOptions"/>), so it is never stored or queued and
/// the workers can email it on their own. The challenge is <c>{keyId}.{expiresUnix}.{nonce}.{mac}</c>, its MAC
/// covering the address, so neither its expiry nor its address can be changed. Keys rotate as the links' do.
/// </summary>
public sealed class CustomerSignInCodes(IOptions<BookingLinkOptions> options)
{
    /// <summary>How long an emailed code works.</summary>
    public static readonly Duration Lifetime = Duration.FromMinutes(10);

    private readonly Dictionary<string, byte[]> keys =
        options.Value.AllKeys().ToDictionary(k => k.Key, k => Encoding.UTF8.GetBytes(k.Value), StringComparer.Ordinal);

    private readonly string activeKeyId = options.Value.ActiveKeyIdOrDefault;

    public SignInChallenge NewChallenge(string email, Instant now)
    {
        var expires = now + Lifetime;
        var head = $"{activeKeyId}.{expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}.{Base64Url(RandomNumberGenerator.GetBytes(16))}";
        return new SignInChallenge($"{head}.{ChallengeMac(keys[activeKeyId], head, email)}", expires);
    }

    /// <summary>The six digits emailed for <paramref name="challenge"/>; null when the challenge is not genuine for the address.</summary>
    public string? CodeFor(string challenge, string email) =>
        Parse(challenge, email) is { } parsed ? Code(parsed.Key, challenge, email) : null;

    public SignInCodeCheck Check(string? challenge, string email, string? code, Instant now)
    {
        if (challenge is null || Parse(challenge, email) is not { } parsed)
        {
            return SignInCodeCheck.UnknownChallenge;
        }

        if (now >= parsed.ExpiresAt)
        {
            return SignInCodeCheck.Expired;
        }

        var given = code?.Trim() ?? string.Empty;
        return given.Length == 6 && Same(Code(parsed.Key, challenge, email), given) ? SignInCodeCheck.Valid : SignInCodeCheck.WrongCode;
    }

    private (byte[] Key, Instant ExpiresAt)? Parse(string challenge, string email)
    {
        var parts = challenge.Split('.');
        if (challenge.Length > 200 || parts.Length != 4 || !keys.TryGetValue(parts[0], out var key)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || expires > Instant.MaxValue.ToUnixTimeSeconds())
        {
            return null;
        }

        var head = string.Join('.', parts[..3]);
        return Same(ChallengeMac(key, head, email), parts[3]) ? (key, Instant.FromUnixTimeSeconds(expires)) : null;
    }

    private static string ChallengeMac(byte[] key, string head, string email) =>
        Base64Url(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"sign-in-challenge:v1:{head}:{Normalize(email)}")));

    private static string Code(byte[] key, string challenge, string email)
    {
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"sign-in-code:v1:{challenge}:{Normalize(email)}"));
        return (BinaryPrimitives.ReadUInt32BigEndian(mac) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    private static bool Same(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
