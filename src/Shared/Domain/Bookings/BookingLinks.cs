using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace BookingAws.Shared.Domain.Bookings;

public sealed class BookingLinkOptions
{
    public const string Section = "Links";

    /// <summary>The key id <see cref="SigningKey"/> is listed under.</summary>
    public const string DefaultKeyId = "default";

    /// <summary>The original single key (Secrets Manager in AWS, rendered as <c>Links__SigningKey</c>): listed as key
    /// <see cref="DefaultKeyId"/>, and the only key that checks tokens from before key ids existed.</summary>
    public string? SigningKey { get; set; }

    /// <summary>More keys by id (<c>Links__Keys__2027a</c>): every listed key is accepted, so a new key can sign while
    /// links signed by the old one stay valid until they expire.</summary>
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The key new links are signed with; <see cref="DefaultKeyId"/> when unset.</summary>
    public string? ActiveKeyId { get; set; }

    /// <summary>How long after the booking ends its link still opens (to see what happened, or the receipt).</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Where the portal is served (the CloudFront URL in AWS); links in emails point there.</summary>
    public string PortalBaseUrl { get; set; } = "http://127.0.0.1:5173";

    public string ActiveKeyIdOrDefault => string.IsNullOrWhiteSpace(ActiveKeyId) ? DefaultKeyId : ActiveKeyId;

    /// <summary>Every accepted key by id: <see cref="Keys"/> plus <see cref="SigningKey"/> as <see cref="DefaultKeyId"/>.</summary>
    public IReadOnlyDictionary<string, string> AllKeys()
    {
        var all = new Dictionary<string, string>(Keys, StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(SigningKey))
        {
            all[DefaultKeyId] = SigningKey;
        }

        return all;
    }
}

/// <summary>Refuses to start with no key, a short key, a key id a token cannot carry, or an active key that is not listed.</summary>
public sealed partial class BookingLinkOptionsValidator : IValidateOptions<BookingLinkOptions>
{
    public ValidateOptionsResult Validate(string? name, BookingLinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var keys = options.AllKeys();
        if (!string.IsNullOrEmpty(options.SigningKey) && options.Keys.ContainsKey(BookingLinkOptions.DefaultKeyId))
        {
            errors.Add($"Links:SigningKey and Links:Keys:{BookingLinkOptions.DefaultKeyId} are the same key id; set one of them.");
        }

        errors.AddRange(keys.Where(k => !KeyIdPattern().IsMatch(k.Key)).Select(k => $"Links:Keys:{k.Key}: a key id is 1–32 of A–Z, a–z, 0–9, '_' or '-'."));
        errors.AddRange(keys.Where(k => k.Value.Length < 32).Select(k => $"Links key '{k.Key}' is shorter than 32 characters."));
        if (!keys.ContainsKey(options.ActiveKeyIdOrDefault))
        {
            errors.Add($"Links:ActiveKeyId '{options.ActiveKeyIdOrDefault}' is not among the keys (Links:SigningKey or Links:Keys:<id>).");
        }

        if (options.GracePeriod < TimeSpan.Zero)
        {
            errors.Add("Links:GracePeriod must not be negative.");
        }

        if (!Uri.TryCreate(options.PortalBaseUrl, UriKind.Absolute, out _))
        {
            errors.Add("Links:PortalBaseUrl must be an absolute URL.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    internal static partial Regex KeyIdPattern();
}

/// <summary>What a manage-link token says about a booking.</summary>
public enum LinkCheck
{
    /// <summary>Not signed by a listed key for this booking: the same answer as a missing booking.</summary>
    Invalid,

    /// <summary>Genuine, but the booking ended longer ago than the grace period.</summary>
    Expired,

    Valid,
}

/// <summary>
/// "Manage your booking" links for customers who booked as guests and have no account: the link carries an HMAC
/// of the booking id, so whoever has the email can see, cancel or reschedule that one booking (within the
/// business's policy) and nothing else. A token is <c>{keyId}.{mac}</c>, so keys rotate: links signed by any
/// listed key keep working. Tokens from before key ids (the bare MAC) are checked against the default key.
/// A link expires when its booking has ended plus <see cref="BookingLinkOptions.GracePeriod"/>; the end is the
/// booking's current one, so a rescheduled booking's older links follow it.
/// </summary>
public sealed class BookingLinks(IOptions<BookingLinkOptions> options)
{
    private readonly Dictionary<string, byte[]> keys = options.Value.AllKeys().ToDictionary(k => k.Key, k => Encoding.UTF8.GetBytes(k.Value), StringComparer.Ordinal);
    private readonly string activeKeyId = options.Value.ActiveKeyIdOrDefault;

    public Duration GracePeriod => Duration.FromTimeSpan(options.Value.GracePeriod);

    public string TokenFor(Guid bookingId) => TokenFor(bookingId, activeKeyId);

    /// <summary>A token signed with one particular listed key (rotation tests; a key that is not listed throws).</summary>
    public string TokenFor(Guid bookingId, string keyId) => $"{keyId}.{Mac(keys[keyId], keyId, bookingId)}";

    /// <summary>Whether the token was signed for this booking by a listed key (its expiry needs the booking: <see cref="Check"/>).</summary>
    public bool IsValid(Guid bookingId, string? token)
    {
        if (token is not { Length: > 0 and < 120 })
        {
            return false;
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            // Links emailed before key ids existed were signed by the one key there was.
            return keys.TryGetValue(BookingLinkOptions.DefaultKeyId, out var legacy) && Same(LegacyMac(legacy, bookingId), token);
        }

        var keyId = token[..dot];
        return keys.TryGetValue(keyId, out var key) && Same(Mac(key, keyId, bookingId), token[(dot + 1)..]);
    }

    /// <summary>The token's verdict for a booking that ends at <paramref name="bookingEndsAt"/>, at <paramref name="now"/>.</summary>
    public LinkCheck Check(Guid bookingId, string? token, Instant bookingEndsAt, Instant now) =>
        !IsValid(bookingId, token) ? LinkCheck.Invalid
        : now > ExpiresAt(bookingEndsAt) ? LinkCheck.Expired
        : LinkCheck.Valid;

    public Instant ExpiresAt(Instant bookingEndsAt) => bookingEndsAt + GracePeriod;

    /// <summary>The token rides in the fragment, which browsers never send to a server (nor in Referer), so it
    /// stays out of CloudFront and API logs.</summary>
    public string ManageUrl(string tenantSlug, Guid bookingId) =>
        $"{options.Value.PortalBaseUrl.TrimEnd('/')}/?business={Uri.EscapeDataString(tenantSlug)}&booking={bookingId:D}#token={TokenFor(bookingId)}";

    /// <summary>The business dashboard, opened at <paramref name="tenantSlug"/>: served beside the portal under /dashboard/ (CloudFront, or the API without a CDN).</summary>
    public string DashboardUrl(string tenantSlug) =>
        $"{options.Value.PortalBaseUrl.TrimEnd('/')}/dashboard/?business={Uri.EscapeDataString(tenantSlug)}";

    /// <summary>
    /// The six-digit code that proves a guest reads <paramref name="email"/>: derived from the booking and the
    /// address with the active key, so it is never stored and the workers can email it without the API telling them.
    /// </summary>
    public string EmailProofCode(Guid bookingId, string email) => ProofCode(keys[activeKeyId], bookingId, email);

    /// <summary>Whether <paramref name="code"/> is this booking's code for the address under any listed key (keys may rotate mid-hold).</summary>
    public bool IsEmailProofCode(Guid bookingId, string email, string? code)
    {
        var given = code?.Trim() ?? string.Empty;
        if (given.Length != 6)
        {
            return false;
        }

        var match = false;
        foreach (var key in keys.Values)
        {
            match |= Same(ProofCode(key, bookingId, email), given);
        }

        return match;
    }

    private static string ProofCode(byte[] key, Guid bookingId, string email)
    {
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"email-proof:v1:{bookingId:D}:{email.Trim().ToLowerInvariant()}"));
        return (BinaryPrimitives.ReadUInt32BigEndian(mac) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    // The key id is inside the MAC too, so a token cannot be re-labelled with another key's id.
    private static string Mac(byte[] key, string keyId, Guid bookingId) =>
        Base64Url(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"booking-manage:v2:{keyId}:{bookingId:D}")));

    private static string LegacyMac(byte[] key, Guid bookingId) =>
        Base64Url(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"booking-manage:v1:{bookingId:D}")));

    private static bool Same(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public static class BookingLinkServiceCollectionExtensions
{
    public static IServiceCollection AddBookingLinks(this IServiceCollection services)
    {
        services.AddOptions<BookingLinkOptions>().BindConfiguration(BookingLinkOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BookingLinkOptions>, BookingLinkOptionsValidator>();

        // Customers' sign-in codes are emailed proofs too, derived under the same rotating keys.
        services.AddSingleton<Identity.CustomerSignInCodes>();
        return services.AddSingleton<BookingLinks>();
    }
}

/// <summary>The booking's reference as customers see it in emails and on the manage page (not its id).</summary>
public static class BookingReference
{
    public static string For(Guid bookingId) => bookingId.ToString("N")[..12].ToUpperInvariant();
}
