using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace BookingAws.Shared.Identity;

/// <summary>
/// The few Cognito user-pool operations the platform needs, over Cognito's JSON protocol
/// (<c>X-Amz-Target: AWSCognitoIdentityProviderService.*</c>), because the AWS SDK's Cognito package is not
/// available to this build. The same code talks to Cognito in AWS and to cognito-local on a machine.
/// </summary>
public sealed class CognitoClient(HttpClient http, IOptions<CognitoOptions> options)
{
    private static readonly MediaTypeHeaderValue AmzJson = new("application/x-amz-json-1.1");

    private string PoolId => options.Value.UserPoolId;

    /// <summary>
    /// Creates a person with their email as the username, the email already verified. With a
    /// <paramref name="password"/> no invitation is sent and the password is set permanently (local use and
    /// tests); without one Cognito emails the invitation. Throws <see cref="CognitoUserExistsException"/>
    /// when the email is already a user.
    /// </summary>
    public Task<CognitoUser> AdminCreateUserAsync(string email, string? password, CancellationToken ct) =>
        AdminCreateUserAsync(email, password, invite: password is null, ct);

    private async Task<CognitoUser> AdminCreateUserAsync(string email, string? password, bool invite, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["UserPoolId"] = PoolId,
            ["Username"] = email,
            ["UserAttributes"] = new JsonArray(
                new JsonObject { ["Name"] = "email", ["Value"] = email },
                new JsonObject { ["Name"] = "email_verified", ["Value"] = "true" }),
        };
        if (invite)
        {
            body["DesiredDeliveryMediums"] = new JsonArray("EMAIL");
        }
        else
        {
            body["MessageAction"] = "SUPPRESS";
        }

        var created = await CallAsync("AdminCreateUser", body, signed: true, ct);
        var user = ReadUser(created!["User"]!, "Attributes");
        if (password is not null)
        {
            await AdminSetUserPasswordAsync(user.Username, password, permanent: true, ct);
        }

        return user;
    }

    public async Task AdminSetUserPasswordAsync(string username, string password, bool permanent, CancellationToken ct) =>
        await CallAsync("AdminSetUserPassword", new JsonObject
        {
            ["UserPoolId"] = PoolId,
            ["Username"] = username,
            ["Password"] = password,
            ["Permanent"] = permanent,
        }, signed: true, ct);

    /// <summary>The user by username or email alias, or null when there is none.</summary>
    public async Task<CognitoUser?> AdminGetUserAsync(string username, CancellationToken ct)
    {
        try
        {
            var found = await CallAsync("AdminGetUser", new JsonObject { ["UserPoolId"] = PoolId, ["Username"] = username }, signed: true, ct);
            return ReadUser(found!, "UserAttributes");
        }
        catch (CognitoException e) when (e.Code == "UserNotFoundException")
        {
            return null;
        }
    }

    /// <summary>
    /// The pool user for <paramref name="email"/>: created when new, otherwise the existing person, whose
    /// password is left alone (someone who already has an account keeps it when they join another business).
    /// </summary>
    public Task<CognitoUser> EnsureUserAsync(string email, string? password, CancellationToken ct) =>
        CreateOrGetAsync(email, () => AdminCreateUserAsync(email, password, ct), ct);

    /// <summary>
    /// The pool user for a customer who just proved <paramref name="email"/> with a code the API emailed: created
    /// without a password and without Cognito's invitation (they never sign in to Cognito with a password),
    /// otherwise the existing person, left as they are (an owner keeps their password).
    /// </summary>
    public Task<CognitoUser> EnsurePasswordlessUserAsync(string email, CancellationToken ct) =>
        CreateOrGetAsync(email, () => AdminCreateUserAsync(email, password: null, invite: false, ct), ct);

    private async Task<CognitoUser> CreateOrGetAsync(string email, Func<Task<CognitoUser>> create, CancellationToken ct)
    {
        try
        {
            return await create();
        }
        catch (CognitoUserExistsException)
        {
            return await AdminGetUserAsync(email, ct)
                   ?? throw new CognitoUnavailableException($"Cognito reported {email} as existing but does not return it.");
        }
    }

    /// <summary>Password sign-in (USER_PASSWORD_AUTH), used by tests and the rehearsal; apps use hosted/passwordless flows.</summary>
    public async Task<CognitoTokens> InitiateAuthAsync(string clientId, string username, string password, CancellationToken ct)
    {
        var answer = await CallAsync("InitiateAuth", new JsonObject
        {
            ["ClientId"] = clientId,
            ["AuthFlow"] = "USER_PASSWORD_AUTH",
            ["AuthParameters"] = new JsonObject { ["USERNAME"] = username, ["PASSWORD"] = password },
        }, signed: false, ct);
        var result = answer?["AuthenticationResult"]
                     ?? throw new CognitoException("ChallengeRequired", $"Sign-in answered the challenge {answer?["ChallengeName"]} instead of tokens.");
        return new CognitoTokens(
            (string)result["AccessToken"]!,
            (string)result["IdToken"]!,
            (string?)result["RefreshToken"],
            (int?)result["ExpiresIn"] ?? 3600);
    }

    private async Task<JsonNode?> CallAsync(string operation, JsonObject body, bool signed, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8) { Headers = { ContentType = AmzJson } },
        };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", $"AWSCognitoIdentityProviderService.{operation}");
        request.Options.Set(CognitoSigningHandler.Unsigned, !signed);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
                                      || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new CognitoUnavailableException($"Cognito {operation} could not be reached.", e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode)
            {
                return text.Length == 0 ? null : JsonNode.Parse(text);
            }

            if (response.StatusCode >= HttpStatusCode.InternalServerError || response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throw new CognitoUnavailableException($"Cognito {operation} answered {(int)response.StatusCode}.");
            }

            var (code, message) = ReadError(text);

            // Cognito throttles with 400 and these types: a busy pool, not a bad request.
            if (code is "TooManyRequestsException" or "LimitExceededException")
            {
                throw new CognitoUnavailableException($"Cognito {operation} is throttled: {message}");
            }

            throw code == "UsernameExistsException" ? new CognitoUserExistsException(message) : new CognitoException(code, message);
        }
    }

    /// <summary>Cognito's error type comes as "__type", sometimes prefixed with a namespace and "#".</summary>
    private static (string Code, string Message) ReadError(string text)
    {
        try
        {
            var node = JsonNode.Parse(text);
            var type = (string?)node?["__type"] ?? "UnknownError";
            var message = (string?)node?["message"] ?? (string?)node?["Message"] ?? "";
            return (type[(type.LastIndexOf('#') + 1)..], message);
        }
        catch (JsonException)
        {
            return ("UnknownError", text);
        }
    }

    private static CognitoUser ReadUser(JsonNode user, string attributesName)
    {
        var attributes = user[attributesName]?.AsArray()
            .ToDictionary(a => (string)a!["Name"]!, a => (string?)a!["Value"], StringComparer.Ordinal)
            ?? [];
        var username = (string)user["Username"]!;
        return new CognitoUser(
            username,
            attributes.GetValueOrDefault("sub") ?? username,
            attributes.GetValueOrDefault("email"),
            string.Equals(attributes.GetValueOrDefault("email_verified"), "true", StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>The username (email) is already a user of the pool.</summary>
public sealed class CognitoUserExistsException(string message) : CognitoException("UsernameExistsException", message);
