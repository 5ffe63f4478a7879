using System.Net.Http.Json;
using System.Text.Json;

namespace BookingAws.Api.Tests.Identity;

/// <summary>
/// A user pool of this test run's own in cognito-local, so test users never pile up in the platform's pool:
/// cognito-local rewrites a pool's whole file on every sign-in, and gets slower as the pool grows. The API
/// under test is pointed at it exactly as at any pool (issuer, keys, app clients), so validation is unchanged.
/// Deleted when the run ends; pools left by runs that were killed are deleted by later runs.
/// </summary>
public static class TestPool
{
    private const string Prefix = "bookingaws-test-";
    private static readonly JsonSerializerOptions PascalCase = new();
    private static readonly Lazy<IReadOnlyDictionary<string, string?>> Created = new(Create);

    /// <summary>Configuration that points the API at the run's pool.</summary>
    public static IReadOnlyDictionary<string, string?> Settings => Created.Value;

    private static string ServiceUrl =>
        (Environment.GetEnvironmentVariable("Cognito__ServiceUrl") ?? "http://127.0.0.1:59229").TrimEnd('/');

    private static Dictionary<string, string?> Create()
    {
        var stale = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds();
        foreach (var pool in Call("ListUserPools", new { MaxResults = 60 }).GetProperty("UserPools").EnumerateArray())
        {
            if (pool.TryGetProperty("Name", out var name) && name.GetString()!.StartsWith(Prefix, StringComparison.Ordinal)
                && pool.TryGetProperty("CreationDate", out var created) && created.TryGetInt64(out var at) && at < stale)
            {
                Call("DeleteUserPool", new { UserPoolId = pool.GetProperty("Id").GetString() });
            }
        }

        var poolId = Call("CreateUserPool", new
        {
            PoolName = Prefix + DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss") + "-" + Guid.NewGuid().ToString("N")[..6],
            UsernameAttributes = new[] { "email" },
            AutoVerifiedAttributes = new[] { "email" },
        }).GetProperty("UserPool").GetProperty("Id").GetString()!;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Call("DeleteUserPool", new { UserPoolId = poolId });
            }
            catch (HttpRequestException)
            {
                // cognito-local is gone already; a later run deletes the pool.
            }
        };

        var settings = new Dictionary<string, string?>
        {
            ["Auth:Authority"] = $"{ServiceUrl}/{poolId}",
            ["Cognito:UserPoolId"] = poolId,
            ["Cognito:ServiceUrl"] = ServiceUrl,
        };
        string[] clients = ["dashboard", "portal"];
        for (var i = 0; i < clients.Length; i++)
        {
            settings[$"Auth:ClientIds:{i}"] = Call("CreateUserPoolClient", new
            {
                UserPoolId = poolId,
                ClientName = clients[i],
                ExplicitAuthFlows = new[] { "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH" },
            }).GetProperty("UserPoolClient").GetProperty("ClientId").GetString();
        }

        return settings;
    }

    /// <summary>Synchronous on purpose: the pool is made while a host is being configured, which cannot await.</summary>
    private static JsonElement Call(string operation, object body)
    {
        using var http = new HttpClient { BaseAddress = new Uri(ServiceUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "") { Content = JsonContent.Create(body, options: PascalCase) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", $"AWSCognitoIdentityProviderService.{operation}");
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=local/20260101/local/cognito-idp/aws4_request, SignedHeaders=host, Signature=0");
        using var response = http.Send(request);
        using var reader = new StreamReader(response.Content.ReadAsStream());
        var text = reader.ReadToEnd();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"cognito-local {operation} answered {(int)response.StatusCode}: {text}; is it running (./platform services)?");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
