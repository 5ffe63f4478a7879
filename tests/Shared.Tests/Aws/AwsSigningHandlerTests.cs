using System.Collections.Concurrent;
using System.Globalization;
using Amazon.Runtime;
using BookingAws.Shared.Aws;
using BookingAws.Shared.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Shared.Tests.Aws;

/// <summary>
/// The shared signing handler as Cognito's client uses it. cognito-local accepts any signature and does not echo
/// it, so a loopback stub plays the pool and checks each signature the way AWS would: recomputed from what arrived.
/// </summary>
public sealed class AwsSigningHandlerTests : IAsyncLifetime
{
    private const string AccessKey = "AKIDLOCALTEST";
    private const string SecretKey = "local-secret-key";
    private const string Region = "eu-west-2";

    private readonly ConcurrentQueue<Received> _received = new();
    private WebApplication? _stub;
    private ServiceProvider? _services;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _stub = builder.Build();
        _stub.MapPost("/", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var target = context.Request.Headers["X-Amz-Target"].ToString();
            _received.Enqueue(new Received(target, context.Request.Headers.Authorization.ToString(), Verify(context.Request, body.ToArray())));
            return target.EndsWith(".InitiateAuth", StringComparison.Ordinal)
                ? Results.Content("""{"AuthenticationResult":{"AccessToken":"a","IdToken":"i","ExpiresIn":3600}}""", "application/x-amz-json-1.1")
                : Results.Content("""{"Username":"ada","UserAttributes":[{"Name":"sub","Value":"sub-1"},{"Name":"email","Value":"ada@example.test"}]}""", "application/x-amz-json-1.1");
        });
        await _stub.StartAsync();
        var address = _stub.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cognito:UserPoolId"] = "local_pool",
            ["Cognito:Region"] = Region,
            ["Cognito:ServiceUrl"] = address,
        }).Build());
        services.AddLogging();
        services.AddCognitoIdentity(new BasicAWSCredentials(AccessKey, SecretKey));
        _services = services.BuildServiceProvider();
    }

    private CognitoClient Client => _services!.GetRequiredService<CognitoClient>();

    [Fact]
    public async Task Administrative_call_carries_a_valid_signature_for_cognito_in_the_configured_region()
    {
        var user = await Client.AdminGetUserAsync("ada@example.test", CancellationToken.None);

        Assert.Equal("sub-1", user?.Sub);
        var call = Assert.Single(_received);
        Assert.Contains($"Credential={AccessKey}/", call.Authorization, StringComparison.Ordinal);
        Assert.Contains($"/{Region}/cognito-idp/aws4_request", call.Authorization, StringComparison.Ordinal);
        Assert.True(call.SignatureValid, $"The stub computed a different signature than {call.Authorization}");
    }

    [Fact]
    public async Task Public_sign_in_goes_unsigned()
    {
        var tokens = await Client.InitiateAuthAsync("client", "ada@example.test", "Passw0rd!", CancellationToken.None);

        Assert.Equal("a", tokens.AccessToken);
        var call = Assert.Single(_received);
        Assert.EndsWith(".InitiateAuth", call.Target, StringComparison.Ordinal);
        Assert.Equal(string.Empty, call.Authorization);
    }

    // What AWS does on receipt: rebuild the canonical request from the headers the signature names and compare.
    private static bool Verify(HttpRequest request, byte[] body)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith(SigV4Signer.Algorithm, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = authorization[SigV4Signer.Algorithm.Length..]
            .Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var scope = parts["Credential"].Split('/');
        var headers = parts["SignedHeaders"].Split(';')
            .Select(name => new KeyValuePair<string, IEnumerable<string>>(name, request.Headers[name].Select(v => v ?? string.Empty)));
        var time = DateTimeOffset.ParseExact(
            request.Headers[SigV4Signer.DateHeader].ToString(), "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        var expected = SigV4Signer.Sign(
            request.Method,
            request.Path.ToUriComponent(),
            request.QueryString.ToUriComponent(),
            headers,
            SigV4Signer.HexSha256(body),
            new BasicAWSCredentials(AccessKey, SecretKey).GetCredentials(),
            scope[2],
            scope[3],
            time);
        return expected.Authorization == authorization;
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_stub is not null)
        {
            await _stub.DisposeAsync();
        }
    }

    private sealed record Received(string Target, string Authorization, bool SignatureValid);
}
