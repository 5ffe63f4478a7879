using System.ComponentModel.DataAnnotations;

namespace BookingAws.Api.Infrastructure;

/// <summary>
/// Which access tokens the API accepts: those of one Cognito user pool (cognito-local on a machine),
/// issued to one of its app clients.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The pool's issuer, e.g. https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC; tokens must carry it as "iss".</summary>
    [Required, Url]
    public string Authority { get; set; } = string.Empty;

    /// <summary>App clients (dashboard, portal) whose tokens are accepted; Cognito names it in "client_id", not "aud".</summary>
    [MinLength(1)]
    public List<string> ClientIds { get; set; } = [];

    /// <summary>Where the signing keys are; defaults to {Authority}/.well-known/jwks.json, as Cognito serves them.</summary>
    [Url]
    public string? JwksUrl { get; set; }

    /// <summary>
    /// Lets sign-up set the owner's password directly. Only for the local platform, tests and the rehearsal
    /// (cognito-local sends no email): in AWS the owner must prove the address through Cognito's invitation,
    /// or anyone could make a signed-in account for someone else's email.
    /// </summary>
    public bool PasswordSignUp { get; set; }

    internal string ResolveJwksUrl() => JwksUrl ?? Authority.TrimEnd('/') + "/.well-known/jwks.json";
}

public static class Claims
{
    public const string Subject = "sub";
    public const string Username = "username";
    public const string TokenUse = "token_use";
    public const string ClientId = "client_id";
}

public static class Policies
{
    /// <summary>Owner of the business in the route.</summary>
    public const string Owner = "owner";

    /// <summary>Owner or staff of the business in the route.</summary>
    public const string Staff = "staff";

    /// <summary>Any signed-in person (their own bookings).</summary>
    public const string Customer = "customer";
}
