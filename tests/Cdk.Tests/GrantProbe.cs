using Amazon.CDK;
using Amazon.CDK.Assertions;
using Amazon.CDK.AWS.IAM;
using BookingAws.Cdk.Stacks;

namespace BookingAws.Cdk.Tests;

/// <summary>
/// The identity and email stacks with a role in a third stack that receives their grants, as the compute
/// stack's instance roles will: what the role's policy says is the contract the fleets get.
/// </summary>
public sealed class GrantProbe
{
    public GrantProbe()
    {
        var app = new App(new AppProps { Context = RepoPaths.CdkJsonContext() });
        var env = new Amazon.CDK.Environment { Account = Platform.PlaceholderAccount, Region = Platform.PlaceholderRegion };
        var stage = StageConfig.Prod with { EmailDomain = ProdPlatform.EmailDomain };
        Email = new EmailStack(app, "Email", new EmailStackProps { Env = env, Stage = stage });
        Identity = new IdentityStack(app, "Identity", new IdentityStackProps { Env = env, Stage = stage, Email = Email });
        var roles = new Stack(app, "Roles", new StackProps { Env = env });
        var api = new Role(roles, "Api", new RoleProps { AssumedBy = new ServicePrincipal("ec2.amazonaws.com") });
        var workers = new Role(roles, "Workers", new RoleProps { AssumedBy = new ServicePrincipal("ec2.amazonaws.com") });
        Identity.GrantAdminCreateUsers(api);
        Email.GrantWorker(workers);
        Roles = Template.FromStack(roles);
    }

    public EmailStack Email { get; }
    public IdentityStack Identity { get; }
    public Template Roles { get; }
}
