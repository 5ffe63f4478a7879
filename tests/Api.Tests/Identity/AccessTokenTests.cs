using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using BookingAws.Api.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BookingAws.Api.Tests.Identity;

/// <summary>
/// The API accepts exactly the pool's access tokens for our app clients, as issued, while valid; every
/// other token, however close, is a 401. Tokens come from cognito-local, the stand-in for the pool.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AccessTokenTests(ApiFactory api)
{
    private readonly CognitoPool pool = new(api.Services);

    [Fact]
    public async Task The_portal_clients_access_token_is_accepted_like_the_dashboards()
    {
        var tenant = await api.CreateTenantAsync();
        var email = $"owner-{tenant.Slug}@example.test";
        var portal = await api.Identity.Cognito.InitiateAuthAsync(api.Identity.ClientId(1), email, TestIdentity.Password, CancellationToken.None);

        await (await api.ClientWithToken(portal.AccessToken).GetAsync(tenant.Url())).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_token_from_an_app_client_the_api_does_not_serve_is_refused()
    {
        var tenant = await api.CreateTenantAsync();
        var stranger = await pool.ClientNamedAsync(pool.PoolId, "not-bookingaws");
        var token = await api.Identity.Cognito.InitiateAuthAsync(stranger, $"owner-{tenant.Slug}@example.test", TestIdentity.Password, CancellationToken.None);

        await (await api.ClientWithToken(token.AccessToken).GetAsync(tenant.Url())).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_id_token_is_not_an_access_token()
    {
        var tenant = await api.CreateTenantAsync();
        var tokens = await api.Identity.Cognito.InitiateAuthAsync(api.Identity.ClientId(), $"owner-{tenant.Slug}@example.test", TestIdentity.Password, CancellationToken.None);

        await (await api.ClientWithToken(tokens.IdToken).GetAsync(tenant.Url())).ShouldBe(HttpStatusCode.Unauthorized);

        // A real ID token has no client_id, which alone would refuse it; this one differs from the accepted
        // access token only in token_use, so it is the token_use check that refuses it.
        var claims = new JsonWebToken(tokens.AccessToken).Claims.GroupBy(c => c.Type).ToDictionary(g => g.Key, g => (object)g.First().Value);
        using var poolKey = CognitoLocalKey();
        var expires = DateTimeOffset.UtcNow.AddMinutes(10);
        var asAccess = Sign(claims, poolKey, expires);
        claims["token_use"] = "id";
        var asId = Sign(claims, poolKey, expires);
        await (await api.ClientWithToken(asAccess).GetAsync(tenant.Url())).ShouldBe(HttpStatusCode.OK);
        await (await api.ClientWithToken(asId).GetAsync(tenant.Url())).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_of_another_user_pool_is_refused_even_for_the_same_email()
    {
        var tenant = await api.CreateTenantAsync();
        var otherPool = await pool.PoolNamedAsync("bookingaws-other");
        var otherClient = await pool.ClientNamedAsync(otherPool, "dashboard");
        var tokens = await pool.SignInAsync(otherPool, otherClient, $"owner-{tenant.Slug}@example.test");

        await (await api.ClientWithToken(tokens.GetProperty("AccessToken").GetString()).GetAsync(tenant.Url())).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_expired_token_is_refused_and_one_signed_with_another_key_too()
    {
        var tenant = await api.CreateTenantAsync();
        var real = await api.Identity.TokenAsync($"owner-{tenant.Slug}@example.test");
        var claims = new JsonWebToken(real).Claims.GroupBy(c => c.Type).ToDictionary(g => g.Key, g => (object)g.First().Value);
        var now = DateTimeOffset.UtcNow;

        // Re-signed with the pool's own key (cognito-local ships it), so lifetime is the only difference.
        using var poolKey = CognitoLocalKey();
        var stillValid = Sign(claims, poolKey, now.AddMinutes(10));
        var expired = Sign(claims, poolKey, now.AddMinutes(-5));
        using var otherKey = RSA.Create(2048);
        var forged = Sign(claims, otherKey, now.AddMinutes(10));

        await (await api.ClientWithToken(stillValid).GetAsync(tenant.Url())).ShouldBe(HttpStatusCode.OK);
        await (await api.ClientWithToken(expired).GetAsync(tenant.Url())).ShouldBe(HttpStatusCode.Unauthorized);
        await (await api.ClientWithToken(forged).GetAsync(tenant.Url())).ShouldBe(HttpStatusCode.Unauthorized);
        await (await api.ClientWithToken(real + "x").GetAsync(tenant.Url())).ShouldBe(HttpStatusCode.Unauthorized);
    }

    private static string Sign(Dictionary<string, object> claims, RSA key, DateTimeOffset expires)
    {
        var payload = new Dictionary<string, object>(claims)
        {
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["iat"] = expires.AddMinutes(-60).ToUnixTimeSeconds(),
        };
        payload.Remove("nbf");
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(
            JsonSerializer.Serialize(payload),
            new SigningCredentials(new RsaSecurityKey(key) { KeyId = "CognitoLocal" }, SecurityAlgorithms.RsaSha256)
            {
                // Each test loads (and disposes) its own copy of the key: a cached signer would outlive it.
                CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false },
            });
    }

    /// <summary>cognito-local signs every pool's tokens with one key pair that ships in its package.</summary>
    private static RSA CognitoLocalKey()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BookingAws.sln")))
        {
            dir = dir.Parent;
        }

        var file = Path.Combine(dir!.FullName, "tools/local/node_modules/cognito-local/lib/keys/cognitoLocal.private.json");
        var pem = JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("pem").GetString()!;
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa;
    }
}
