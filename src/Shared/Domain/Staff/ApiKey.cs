using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace BookingAws.Shared.Domain.Staff;

/// <summary>What an API key may do at its business: read (GET) or also write.</summary>
public static class ApiKeyScopes
{
    public const string Read = "read";
    public const string Write = "write";

    /// <summary>The role a read key holds at its business: staff's reads, none of their writes.</summary>
    public const string ReadOnlyRole = "read-only";

    public static bool IsKnown(string? scope) => scope is Read or Write;
}

/// <summary>
/// A business's key for its own software (a CRM, a website, a script). The key is shown once when made; only
/// its SHA-256 is kept (the secret is 256 random bits, so a fast hash is as safe as a slow one and costs
/// nothing per request). Revoked keys are kept, for the record of who used what.
/// </summary>
public sealed class ApiKey : ITenantOwned
{
    /// <summary>Every key starts so, which lets the API tell a key from a Cognito token and secret scanners find leaked ones.</summary>
    public const string Prefix = "bka_";

    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TenantId { get; init; }
    public required string Name { get; set; }
    public required string Scope { get; set; }
    public required byte[] SecretHash { get; init; }

    /// <summary>Requests a minute this key may make; null for the platform's default.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>The membership that made it (kept if they leave: the key stays the business's until revoked).</summary>
    public Guid? CreatedByStaffId { get; init; }

    public Instant CreatedAt { get; init; }
    public Instant? LastUsedAt { get; set; }
    public Instant? RevokedAt { get; set; }

    /// <summary>A new key: <c>bka_</c>, the key's id (for the lookup) and a 256-bit secret, as URL-safe text.</summary>
    public static (Guid Id, string Key, byte[] Hash) NewKey()
    {
        var id = Guid.CreateVersion7();
        var key = Prefix + id.ToString("N") + "_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        return (id, key, Hash(key));
    }

    /// <summary>The key's id, if <paramref name="key"/> is shaped like one of ours; nothing is looked up.</summary>
    public static Guid? IdOf(string key) =>
        key.Length == Prefix.Length + 32 + 1 + 43 && key.StartsWith(Prefix, StringComparison.Ordinal) && key[Prefix.Length + 32] == '_'
        && Guid.TryParseExact(key.AsSpan(Prefix.Length, 32), "N", out var id) ? id : null;

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Whether <paramref name="key"/> is this key's, compared in constant time.</summary>
    public bool Matches(string key) => CryptographicOperations.FixedTimeEquals(SecretHash, Hash(key));

    /// <summary>The first characters, enough for an owner to tell keys apart in a list; never enough to use.</summary>
    public string Hint => Prefix + Id.ToString("N")[^6..];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
