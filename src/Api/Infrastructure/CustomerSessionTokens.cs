using System.Security.Cryptography;
using System.Text;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BookingAws.Api.Infrastructure;

/// <summary>
/// The session a customer gets for proving their address with an emailed code: an access token shaped like the
/// pool's (the pool user's <c>sub</c> and <c>username</c>, <c>token_use</c> "access"), but issued by the API,
/// because neither Cognito's own email codes (USER_AUTH / EMAIL_OTP) nor its custom-auth Lambda triggers exist in
/// cognito-local, and the API may not set a person's password (an owner would lose theirs). Cognito stays the
/// identity: the subject is the pool's, and the person behind it is resolved exactly as for a pool token.
/// The keys are derived (HKDF) from the link keys, so they rotate with them and need no secret of their own.
/// </summary>
public sealed class CustomerSessionTokens(IOptions<BookingLinkOptions> links, TimeProvider time)
{
    /// <summary>The <c>iss</c> of these tokens; distinct from the pool's, which the API trusts alongside.</summary>
    public const string Issuer = "urn:bookingaws:customer-session";

    /// <summary>The <c>client_id</c> they carry: not an app client of the pool, so pool tokens cannot pose as them.</summary>
    public const string ClientId = "customer-session";

    /// <summary>As long as a pool access token lives; then the customer asks for a new code.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly Dictionary<string, SymmetricSecurityKey> keys = links.Value.AllKeys()
        .ToDictionary(k => k.Key, k => Derive(k.Key, k.Value), StringComparer.Ordinal);

    private readonly JsonWebTokenHandler handler = new();

    /// <summary>Every key a session may be signed with (all listed link keys), for the bearer handler.</summary>
    public IEnumerable<SecurityKey> ValidationKeys => keys.Values;

    public string Issue(CognitoUser user)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            Claims = new Dictionary<string, object>
            {
                [Claims.Subject] = user.Sub,
                [Claims.Username] = user.Username,
                [Claims.TokenUse] = "access",
                [Claims.ClientId] = ClientId,
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = new SigningCredentials(keys[links.Value.ActiveKeyIdOrDefault], SecurityAlgorithms.HmacSha256),
        });
    }

    private static SymmetricSecurityKey Derive(string keyId, string secret) =>
        new(HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, salt: [], info: Encoding.UTF8.GetBytes("customer-session:v1")))
        {
            KeyId = "session-" + keyId,
        };
}
