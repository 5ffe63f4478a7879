using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using BookingAws.Api.Infrastructure.RateLimiting;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Staff;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace BookingAws.Api.Infrastructure.ApiKeys;

/// <summary>Claims of a request made with a tenant API key (a key is not a person: no Cognito subject).</summary>
public static class ApiKeyClaims
{
    public const string KeyId = "bookingaws:api_key";
    public const string TenantId = "bookingaws:tenant";
    public const string Scope = "bookingaws:scope";
    public const string RequestsPerMinute = "bookingaws:rpm";

    /// <summary>The key behind <paramref name="principal"/>, or null for a person's token or an anonymous caller.</summary>
    public static (Guid KeyId, Guid TenantId, string Scope)? Of(ClaimsPrincipal? principal) =>
        principal?.Identity is { IsAuthenticated: true, AuthenticationType: ApiKeyAuthentication.SchemeName }
        && Guid.TryParse(principal.FindFirstValue(KeyId), out var key)
        && Guid.TryParse(principal.FindFirstValue(TenantId), out var tenant)
            ? (key, tenant, principal.FindFirstValue(Scope) ?? ApiKeyScopes.Read)
            : null;
}

/// <summary>
/// <c>Authorization: Bearer bka_…</c>: a business's own software calling the dashboard API. The key is found by the
/// id it carries and checked against the stored hash in constant time; a revoked key fails like an unknown one.
/// Its last use is written at most once a minute, so a busy key does not turn every read into a write.
/// </summary>
internal sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, BookingDbContext db, IClock clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>The one scheme the API authenticates with: it forwards to the key handler or to Cognito's tokens.</summary>
    public const string Selector = "BearerOrApiKey";

    private static readonly Duration LastUsedResolution = Duration.FromMinutes(1);

    /// <summary>Whether the request carries one of our keys rather than a Cognito token.</summary>
    public static bool Carries(HttpRequest request) => KeyOf(request) is not null;

    private static string? KeyOf(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } header
        && header.StartsWith("Bearer " + ApiKey.Prefix, StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (KeyOf(Request) is not { } key)
        {
            return AuthenticateResult.NoResult();
        }

        if (ApiKey.IdOf(key) is not { } id)
        {
            return AuthenticateResult.Fail("Not an API key.");
        }

        ApiKey? found;
        using (DatabaseScope.System("an API key is found by its id before its business is known"))
        {
            found = await db.ApiKeys.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, Context.RequestAborted);
            if (found is null || found.RevokedAt is not null || !found.Matches(key))
            {
                return AuthenticateResult.Fail("Unknown or revoked API key.");
            }

            var now = clock.GetCurrentInstant();
            if (found.LastUsedAt is not { } last || now - last >= LastUsedResolution)
            {
                var stale = now - LastUsedResolution;
                await db.ApiKeys.IgnoreQueryFilters()
                    .Where(k => k.Id == id && (k.LastUsedAt == null || k.LastUsedAt < stale))
                    .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
            }
        }

        var limit = found.RequestsPerMinute ?? Context.RequestServices.GetRequiredService<IOptionsMonitor<RateLimitsOptions>>().CurrentValue.ApiKeyRequestsPerMinute;
        Claim[] claims =
        [
            // A subject of its own, so read-your-writes and logs tell keys apart from people.
            new(Claims.Subject, "apikey:" + found.Id.ToString("N")),
            new(ApiKeyClaims.KeyId, found.Id.ToString()),
            new(ApiKeyClaims.TenantId, found.TenantId.ToString()),
            new(ApiKeyClaims.Scope, found.Scope),
            new(ApiKeyClaims.RequestsPerMinute, limit.ToString(CultureInfo.InvariantCulture)),
        ];
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized",
            detail: "The API key is unknown or revoked; the business's owner can make a new one in the dashboard.").ExecuteAsync(Context);
    }
}

/// <summary>
/// Each key's own limit (requests a minute), counted in Redis like the abuse limits so every instance shares it.
/// Answered 429 problem details with <c>Retry-After</c>. Like them it fails open when Redis is away.
/// </summary>
internal sealed class ApiKeyRateLimitMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http, RedisWindowLimiter limiter, IOptionsMonitor<RateLimitsOptions> options)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled || ApiKeyClaims.Of(http.User) is not { } key
            || !int.TryParse(http.User.FindFirstValue(ApiKeyClaims.RequestsPerMinute), CultureInfo.InvariantCulture, out var perMinute))
        {
            await next(http);
            return;
        }

        var rule = new RateRule { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1) };
        var decision = await limiter.AcquireAsync([new RatePartition($"{settings.KeyPrefix}:apikeys:key:{key.KeyId:N}", rule)], "ApiKeys");
        if (decision.Allowed)
        {
            await next(http);
            return;
        }

        await decision.TooMany(http, seconds => $"This API key may make {perMinute} requests a minute; try again in {seconds} s.").ExecuteAsync(http);
    }
}
