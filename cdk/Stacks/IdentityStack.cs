using Amazon.CDK;
using Amazon.CDK.AWS.Cognito;
using Amazon.CDK.AWS.IAM;
using Constructs;

namespace BookingAws.Cdk.Stacks;

public sealed class IdentityStackProps : StackProps
{
    public required StageConfig Stage { get; init; }

    /// <summary>Once the domain is verified (<see cref="StageConfig.EmailVerified"/>), Cognito sends through it.</summary>
    public required EmailStack Email { get; init; }
}

/// <summary>
/// The Cognito user pool that says who a person is (subject, email); what they may do comes from the
/// database. Owners are created by the API (AdminCreateUser), never by self sign-up.
/// </summary>
public sealed class IdentityStack : Stack
{
    public const string PasswordFactor = "PASSWORD";
    public const string EmailOtpFactor = "EMAIL_OTP";

    /// <summary>
    /// Flows both single-page apps may use: choice-based sign-in (USER_AUTH: password or email code), SRP,
    /// refresh, and USER_PASSWORD_AUTH, the one flow cognito-local offers, so the web apps' sign-in code
    /// that the local platform and the rehearsal exercise is the code that runs against AWS (over TLS).
    /// </summary>
    public static readonly string[] ClientAuthFlows =
        ["ALLOW_USER_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];

    public UserPool UserPool { get; }
    public UserPoolClient DashboardClient { get; }
    public UserPoolClient PortalClient { get; }

    public string UserPoolId => UserPool.UserPoolId;

    /// <summary>The <c>iss</c> of the pool's tokens and the base of its JWKS (<c>/.well-known/jwks.json</c>).</summary>
    public string IssuerUrl => $"https://cognito-idp.{Region}.{UrlSuffix}/{UserPool.UserPoolId}";

    public string DashboardClientId => DashboardClient.UserPoolClientId;
    public string PortalClientId => PortalClient.UserPoolClientId;

    /// <summary>
    /// The API's side of the contract, as environment variables: the issuer it trusts, the client ids it
    /// accepts as <c>client_id</c>, and the pool it creates owners in.
    /// </summary>
    public IReadOnlyDictionary<string, string> ApiEnvironment => new Dictionary<string, string>
    {
        ["Auth__Authority"] = IssuerUrl,
        ["Auth__ClientIds__0"] = DashboardClientId,
        ["Auth__ClientIds__1"] = PortalClientId,
        ["Cognito__UserPoolId"] = UserPoolId,
    };

    public IdentityStack(Construct scope, string id, IdentityStackProps props) : base(scope, id, props)
    {
        var stage = props.Stage;
        UserPool = new UserPool(this, "Users", new UserPoolProps
        {
            SignInAliases = new SignInAliases { Email = true },
            SignInCaseSensitive = false,
            SelfSignUpEnabled = false,
            AutoVerify = new AutoVerifiedAttrs { Email = true },
            // A changed email only takes effect once the new address is verified, so nobody locks themselves out.
            KeepOriginal = new KeepOriginalAttrs { Email = true },
            StandardAttributes = new StandardAttributes
            {
                Email = new StandardAttribute { Required = true, Mutable = true },
            },
            PasswordPolicy = new PasswordPolicy
            {
                MinLength = 12,
                RequireLowercase = true,
                RequireUppercase = true,
                RequireDigits = true,
                RequireSymbols = true,
                TempPasswordValidity = Duration.Days(3),
            },
            AccountRecovery = AccountRecovery.EMAIL_ONLY,
            Email = stage.EmailVerified
                ? UserPoolEmail.WithSES(new UserPoolSESOptions
                {
                    FromEmail = stage.EmailFrom,
                    FromName = "BookingAws",
                    SesVerifiedDomain = stage.EmailDomain,
                    ConfigurationSetName = props.Email.ConfigurationSet.ConfigurationSetName,
                })
                : UserPoolEmail.WithCognito(),
            UserInvitation = new UserInvitationConfig
            {
                EmailSubject = "Your BookingAws account",
                EmailBody = "Your BookingAws sign-in is {username} with the temporary password {####}. You will choose your own when you first sign in.",
            },
            DeletionProtection = stage.Protect,
            RemovalPolicy = stage.Protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        });
        if (stage.EmailVerified)
        {
            // The SES identity must exist before Cognito checks it.
            UserPool.Node.AddDependency(props.Email.Identity);
        }

        // CDK 2.160 predates feature plans and choice-based sign-in; these are the CloudFormation properties.
        var pool = (CfnUserPool)UserPool.Node.DefaultChild!;
        pool.AddPropertyOverride("UserPoolTier", "ESSENTIALS");
        // Email one-time codes need Cognito to send through SES, which it refuses until the domain verifies:
        // a first deploy offers passwords, a redeploy with -c emailVerified=true adds the passwordless option.
        string[] factors = stage.EmailVerified ? [PasswordFactor, EmailOtpFactor] : [PasswordFactor];
        pool.AddPropertyOverride("Policies.SignInPolicy.AllowedFirstAuthFactors", factors);

        Nag.Suppress(UserPool, "AwsSolutions-COG2",
            "MFA is not forced: owners sign in with a strong password or an email one-time code (choice-based sign-in); TOTP MFA is a follow-up.");
        Nag.Suppress(UserPool, "AwsSolutions-COG8",
            "Essentials covers choice-based and passwordless sign-in; Plus (threat protection) costs per active user and is not needed by the owner sign-in volume.");
        Nag.Suppress(UserPool, "AwsSolutions-COG3",
            "Threat protection (advanced security ENFORCED) needs the Plus feature plan; the pool runs on Essentials with the API's own rate limits.");

        DashboardClient = Client("Dashboard");
        PortalClient = Client("Portal");

        Output("UserPoolId", UserPoolId, "Cognito user pool id (Cognito__UserPoolId)");
        Output("UserPoolIssuer", IssuerUrl, "Token issuer the API trusts (Auth__Authority)");
        Output("DashboardClientId", DashboardClientId, "App client of the owner dashboard (Auth__ClientIds__0)");
        Output("PortalClientId", PortalClientId, "App client of the customer portal (Auth__ClientIds__1)");
    }

    /// <summary>Lets the API create owners (Cognito emails them an invitation), on this pool only; never set a password.</summary>
    public Grant GrantAdminCreateUsers(IGrantable grantee) =>
        UserPool.Grant(grantee, "cognito-idp:AdminCreateUser", "cognito-idp:AdminGetUser");

    private UserPoolClient Client(string name)
    {
        // Browser apps cannot keep a secret; they sign in through the API calls (no hosted UI, no OAuth redirect).
        var client = UserPool.AddClient(name + "Client", new UserPoolClientOptions
        {
            GenerateSecret = false,
            DisableOAuth = true,
            PreventUserExistenceErrors = true,
            EnableTokenRevocation = true,
            AccessTokenValidity = Duration.Hours(1),
            IdTokenValidity = Duration.Hours(1),
            RefreshTokenValidity = Duration.Days(30),
            AuthSessionValidity = Duration.Minutes(5),
        });
        // AuthFlow in CDK 2.160 has no USER_AUTH (choice-based sign-in), so the list is written whole.
        ((CfnUserPoolClient)client.Node.DefaultChild!).AddPropertyOverride("ExplicitAuthFlows", ClientAuthFlows);
        return client;
    }

    private void Output(string id, string value, string description) =>
        _ = new CfnOutput(this, id, new CfnOutputProps { Value = value, Description = description });
}
