using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace BookingAws.Api.Infrastructure;

/// <summary>Signs tokens with the local key: the stand-in for Cognito in Development and tests.</summary>
public sealed class TokenIssuer(IOptions<AuthOptions> options, TimeProvider time)
{
    public string Issue(Guid subject, string email, string role, Guid tenantId)
    {
        var o = options.Value;
        var key = o.SigningKey ?? throw new InvalidOperationException("Auth:SigningKey is not configured.");
        var now = time.GetUtcNow().UtcDateTime;
        var token = new JwtSecurityToken(
            issuer: o.Issuer,
            audience: o.Audience,
            claims:
            [
                new Claim(Claims.Subject, subject.ToString()),
                new Claim(Claims.Email, email),
                new Claim(Claims.Role, role),
                new Claim(Claims.Tenant, tenantId.ToString()),
            ],
            notBefore: now,
            expires: now.AddMinutes(o.TokenLifetimeMinutes),
            signingCredentials: new SigningCredentials(SigningKeyFor(key), SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }

    internal static SymmetricSecurityKey SigningKeyFor(string key) => new(Encoding.UTF8.GetBytes(key));
}

/// <summary>The caller as the token describes them.</summary>
public sealed record CurrentUser(Guid Id, string Email, string Role, Guid TenantId)
{
    public static CurrentUser? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true
            || !Guid.TryParse(principal.FindFirstValue(Claims.Subject), out var id)
            || !Guid.TryParse(principal.FindFirstValue(Claims.Tenant), out var tenant))
        {
            return null;
        }

        return new CurrentUser(id, principal.FindFirstValue(Claims.Email) ?? "", principal.FindFirstValue(Claims.Role) ?? "", tenant);
    }
}
