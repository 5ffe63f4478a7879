using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Api.Tests.Identity;

/// <summary>
/// Pool administration the API never does (other pools, other app clients), straight against
/// cognito-local, for tests that need a token the API must refuse.
/// </summary>
public sealed class CognitoPool(IServiceProvider services)
{
    /// <summary>Cognito's JSON names its members in PascalCase, as the anonymous objects here spell them.</summary>
    private static readonly JsonSerializerOptions PascalCase = new();

    public string PoolId => services.GetRequiredService<IConfiguration>()["Cognito:UserPoolId"]!;

    public async Task<JsonElement> CallAsync(string operation, object body)
    {
        using var http = new HttpClient { BaseAddress = new Uri(services.GetRequiredService<IConfiguration>()["Cognito:ServiceUrl"]!.TrimEnd('/') + "/") };
        using var request = new HttpRequestMessage(HttpMethod.Post, "") { Content = JsonContent.Create(body, options: PascalCase) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", $"AWSCognitoIdentityProviderService.{operation}");
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=local/20260101/local/cognito-idp/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{operation}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A pool by name, created once and reused on later runs (cognito-local keeps its pools).</summary>
    public async Task<string> PoolNamedAsync(string name)
    {
        var pools = await CallAsync("ListUserPools", new { MaxResults = 60 });
        foreach (var pool in pools.GetProperty("UserPools").EnumerateArray())
        {
            if (pool.TryGetProperty("Name", out var poolName) && poolName.GetString() == name)
            {
                return pool.GetProperty("Id").GetString()!;
            }
        }

        var created = await CallAsync("CreateUserPool", new { PoolName = name, UsernameAttributes = new[] { "email" } });
        return created.GetProperty("UserPool").GetProperty("Id").GetString()!;
    }

    /// <summary>An app client by name in <paramref name="poolId"/>, created once.</summary>
    public async Task<string> ClientNamedAsync(string poolId, string name)
    {
        var clients = await CallAsync("ListUserPoolClients", new { UserPoolId = poolId, MaxResults = 60 });
        foreach (var client in clients.GetProperty("UserPoolClients").EnumerateArray())
        {
            if (client.TryGetProperty("ClientName", out var clientName) && clientName.GetString() == name)
            {
                return client.GetProperty("ClientId").GetString()!;
            }
        }

        var created = await CallAsync("CreateUserPoolClient", new { UserPoolId = poolId, ClientName = name, ExplicitAuthFlows = new[] { "ALLOW_USER_PASSWORD_AUTH" } });
        return created.GetProperty("UserPoolClient").GetProperty("ClientId").GetString()!;
    }

    /// <summary>Creates a user with the test password in any pool and signs them in with <paramref name="clientId"/>.</summary>
    public async Task<JsonElement> SignInAsync(string poolId, string clientId, string email)
    {
        await CallAsync("AdminCreateUser", new
        {
            UserPoolId = poolId,
            Username = email,
            UserAttributes = new[] { new { Name = "email", Value = email } },
            MessageAction = "SUPPRESS",
        });
        await CallAsync("AdminSetUserPassword", new { UserPoolId = poolId, Username = email, Password = TestIdentity.Password, Permanent = true });
        var answer = await CallAsync("InitiateAuth", new
        {
            ClientId = clientId,
            AuthFlow = "USER_PASSWORD_AUTH",
            AuthParameters = new Dictionary<string, string> { ["USERNAME"] = email, ["PASSWORD"] = TestIdentity.Password },
        });
        return answer.GetProperty("AuthenticationResult");
    }
}
