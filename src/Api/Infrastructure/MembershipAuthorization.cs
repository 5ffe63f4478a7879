using BookingAws.Shared.Domain.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace BookingAws.Api.Infrastructure;

/// <summary>The caller holds one of <see cref="Roles"/> at the business named by the route's {slug}.</summary>
public sealed record MembershipRequirement(params string[] Roles) : IAuthorizationRequirement;

/// <summary>
/// Checks the membership row of the signed-in person at the route's business. A person with no tie to
/// that business is remembered as a stranger, so the answer can be the 404 of a business that does not
/// exist rather than a 403 that confirms it does.
/// </summary>
internal sealed class MembershipHandler(Caller caller) : AuthorizationHandler<MembershipRequirement>
{
    internal const string StrangerKey = "bookingaws.auth.stranger";

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, MembershipRequirement requirement)
    {
        if (context.Resource is not HttpContext http || http.GetRouteValue("slug") is not string slug || !caller.IsSignedIn)
        {
            return;
        }

        var membership = await caller.MembershipAsync(slug, http.RequestAborted);
        if (membership is not null && requirement.Roles.Contains(membership.Role, StringComparer.Ordinal))
        {
            context.Succeed(requirement);
        }
        else if (membership?.Role == ApiKeyScopes.ReadOnlyRole && requirement.Roles.Contains(Roles.Staff, StringComparer.Ordinal)
            && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)))
        {
            // A read key reads what staff may read.
            context.Succeed(requirement);
        }
        else if (membership is null && !await caller.IsCustomerOfAsync(slug, http.RequestAborted))
        {
            http.Items[StrangerKey] = true;
        }
    }
}

/// <summary>Answers a stranger's forbidden dashboard call with the same 404 as an unknown business.</summary>
internal sealed class StrangerIsNotFoundResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.Items.ContainsKey(MembershipHandler.StrangerKey))
        {
            await TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No business '{context.GetRouteValue("slug")}'.")
                .ExecuteAsync(context);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}

/// <summary>
/// Reads a JSON Web Key Set as the bearer handler's configuration. Cognito publishes its keys at
/// {issuer}/.well-known/jwks.json; cognito-local's discovery document names the wrong port, so the keys
/// are read directly in both places and the path is the same locally and in AWS.
/// </summary>
internal sealed class JwksRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var keys = new JsonWebKeySet(await retriever.GetDocumentAsync(address, cancel));
        var configuration = new OpenIdConnectConfiguration { JwksUri = address };
        foreach (var key in keys.GetSigningKeys())
        {
            configuration.SigningKeys.Add(key);
        }

        return configuration;
    }
}
