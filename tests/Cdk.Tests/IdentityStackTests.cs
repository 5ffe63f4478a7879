using Amazon.CDK;
using Amazon.CDK.Assertions;

namespace BookingAws.Cdk.Tests;

public sealed class IdentityStackTests(ProdPlatform prod, DevPlatform dev, ProdHttpsPlatform verified)
    : IClassFixture<ProdPlatform>, IClassFixture<DevPlatform>, IClassFixture<ProdHttpsPlatform>
{
    [Fact]
    public void Email_is_the_sign_in_name_and_only_the_api_creates_users()
    {
        prod.Identity.HasResourceProperties("AWS::Cognito::UserPool", new Dictionary<string, object>
        {
            ["UsernameAttributes"] = new[] { "email" },
            ["UsernameConfiguration"] = new Dictionary<string, object> { ["CaseSensitive"] = false },
            ["AutoVerifiedAttributes"] = new[] { "email" },
            ["AdminCreateUserConfig"] = Match.ObjectLike(new Dictionary<string, object> { ["AllowAdminCreateUserOnly"] = true }),
        });
    }

    [Fact]
    public void Passwords_need_twelve_characters_of_every_class()
    {
        prod.Identity.HasResourceProperties("AWS::Cognito::UserPool", new Dictionary<string, object>
        {
            ["Policies"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["PasswordPolicy"] = Match.ObjectLike(new Dictionary<string, object>
                {
                    ["MinimumLength"] = 12,
                    ["RequireLowercase"] = true,
                    ["RequireUppercase"] = true,
                    ["RequireNumbers"] = true,
                    ["RequireSymbols"] = true,
                }),
            }),
        });
    }

    [Fact]
    public void Prod_pool_survives_stack_deletion_and_refuses_deletes_dev_does_not()
    {
        prod.Identity.HasResource("AWS::Cognito::UserPool", new Dictionary<string, object>
        {
            ["DeletionPolicy"] = "Retain",
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object> { ["DeletionProtection"] = "ACTIVE" }),
        });
        dev.Identity.HasResource("AWS::Cognito::UserPool", new Dictionary<string, object>
        {
            ["DeletionPolicy"] = "Delete",
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object> { ["DeletionProtection"] = "INACTIVE" }),
        });
    }

    [Fact]
    public void First_deploy_offers_passwords_on_the_essentials_tier_with_cognitos_own_email()
    {
        prod.Identity.HasResourceProperties("AWS::Cognito::UserPool", new Dictionary<string, object>
        {
            ["UserPoolTier"] = "ESSENTIALS",
            ["Policies"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["SignInPolicy"] = new Dictionary<string, object> { ["AllowedFirstAuthFactors"] = new[] { "PASSWORD" } },
            }),
            ["EmailConfiguration"] = new Dictionary<string, object> { ["EmailSendingAccount"] = "COGNITO_DEFAULT" },
        });
    }

    [Fact]
    public void Once_the_domain_is_verified_cognito_sends_through_ses_and_offers_email_codes()
    {
        verified.Identity.HasResourceProperties("AWS::Cognito::UserPool", new Dictionary<string, object>
        {
            ["UserPoolTier"] = "ESSENTIALS",
            ["Policies"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["SignInPolicy"] = new Dictionary<string, object> { ["AllowedFirstAuthFactors"] = new[] { "PASSWORD", "EMAIL_OTP" } },
            }),
            ["EmailConfiguration"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["EmailSendingAccount"] = "DEVELOPER",
                ["From"] = Match.StringLikeRegexp(ProdHttpsPlatform.EmailFrom),
                ["SourceArn"] = Match.AnyValue(),
                ["ConfigurationSet"] = Match.AnyValue(),
            }),
        });
        var pool = Assert.Single(PlatformFixture.Resources(verified.Identity, "AWS::Cognito::UserPool")).Value;
        Assert.Contains($":identity/{ProdPlatform.EmailDomain}", pool["Properties"]!["EmailConfiguration"]!["SourceArn"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dashboard_and_portal_are_public_clients_with_choice_based_sign_in_and_one_hour_access_tokens()
    {
        var clients = PlatformFixture.Resources(prod.Identity, "AWS::Cognito::UserPoolClient");
        Assert.Equal(2, clients.Count);
        Assert.Contains(clients.Keys, id => id.Contains("Dashboard", StringComparison.Ordinal));
        Assert.Contains(clients.Keys, id => id.Contains("Portal", StringComparison.Ordinal));
        prod.Identity.AllResourcesProperties("AWS::Cognito::UserPoolClient", new Dictionary<string, object>
        {
            ["GenerateSecret"] = false,
            ["ExplicitAuthFlows"] = new[] { "ALLOW_USER_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH" },
            ["AccessTokenValidity"] = 60,
            ["TokenValidityUnits"] = Match.ObjectLike(new Dictionary<string, object> { ["AccessToken"] = "minutes" }),
            ["PreventUserExistenceErrors"] = "ENABLED",
        });
    }

    [Fact]
    public void Pool_id_issuer_and_client_ids_are_stack_outputs()
    {
        var outputs = prod.Identity.FindOutputs("*");
        Assert.Superset(new HashSet<string> { "UserPoolId", "UserPoolIssuer", "DashboardClientId", "PortalClientId" }, outputs.Keys.ToHashSet());
        Assert.Contains("https://cognito-idp.eu-west-1.", System.Text.Json.JsonSerializer.Serialize(outputs["UserPoolIssuer"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Api_environment_carries_the_issuer_both_client_ids_and_the_pool()
    {
        var identity = prod.Platform.Identity;
        var env = identity.ApiEnvironment;
        Assert.Equal(["Auth__Authority", "Auth__ClientIds__0", "Auth__ClientIds__1", "Cognito__UserPoolId"], env.Keys.Order().ToArray());
        var pool = identity.GetLogicalId((CfnElement)identity.UserPool.Node.DefaultChild!);
        var issuer = System.Text.Json.JsonSerializer.Serialize(identity.Resolve(env["Auth__Authority"]));
        Assert.Contains("https://cognito-idp.eu-west-1.", issuer, StringComparison.Ordinal);
        Assert.Contains(pool, issuer, StringComparison.Ordinal);
        Assert.Contains(pool, System.Text.Json.JsonSerializer.Serialize(identity.Resolve(env["Cognito__UserPoolId"])), StringComparison.Ordinal);
        Assert.Equal(identity.Resolve(identity.DashboardClient.UserPoolClientId), identity.Resolve(env["Auth__ClientIds__0"]));
        Assert.Equal(identity.Resolve(identity.PortalClient.UserPoolClientId), identity.Resolve(env["Auth__ClientIds__1"]));
    }
}
