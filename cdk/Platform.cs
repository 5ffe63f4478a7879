using Amazon.CDK;
using BookingAws.Cdk.Aspects;
using BookingAws.Cdk.Stacks;
using BookingAws.Shared.Messaging;

namespace BookingAws.Cdk;

/// <summary>Builds every stack of one stage into an app; shared by Program and the tests.</summary>
public sealed class Platform
{
    /// <summary>Used for offline synth when no AWS environment is given (cdk.json carries its zones).</summary>
    public const string PlaceholderAccount = "111111111111";
    public const string PlaceholderRegion = "eu-west-1";

    /// <summary>WAF web ACLs for CloudFront exist only in us-east-1.</summary>
    public const string EdgeSecurityRegion = "us-east-1";

    public required StageConfig Stage { get; init; }
    public required NetworkStack Network { get; init; }
    public required DataStack Data { get; init; }
    public required MessagingStack Messaging { get; init; }
    public required EmailStack Email { get; init; }
    public required IdentityStack Identity { get; init; }
    public required ComputeStack Compute { get; init; }
    public required WafStack Waf { get; init; }
    public required EdgeStack Edge { get; init; }
    public required ObservabilityStack Observability { get; init; }
    public required EdgeAlarmsStack EdgeAlarms { get; init; }

    public static Platform Build(App app)
    {
        string? Context(string key) => app.Node.TryGetContext(key) as string;

        var stage = StageConfig.From(Context);
        var account = Context("account") ?? System.Environment.GetEnvironmentVariable("CDK_DEFAULT_ACCOUNT") ?? PlaceholderAccount;
        var region = Context("region") ?? System.Environment.GetEnvironmentVariable("CDK_DEFAULT_REGION") ?? PlaceholderRegion;
        var env = new Amazon.CDK.Environment { Account = account, Region = region };
        var placeholder = Path.Combine(AppContext.BaseDirectory, "assets", "placeholder");
        var apiBundle = Context("apiBundle") ?? Path.Combine(placeholder, "api");
        var workersBundle = Context("workersBundle") ?? Path.Combine(placeholder, "workers");
        var prefix = $"BookingAws-{stage.Name}";

        var network = new NetworkStack(app, $"{prefix}-Network", new NetworkStackProps
        {
            Env = env,
            Stage = stage,
            Description = $"BookingAws {stage.Name}: VPC, endpoints, security groups",
        });
        var data = new DataStack(app, $"{prefix}-Data", new DataStackProps
        {
            Env = env,
            Stage = stage,
            Description = $"BookingAws {stage.Name}: Aurora PostgreSQL, Redis, secrets",
            Vpc = network.Vpc,
            ApiSecurityGroup = network.ApiSecurityGroup,
            WorkerSecurityGroup = network.WorkerSecurityGroup,
            EndpointSecurityGroup = network.EndpointSecurityGroup,
        });
        var messaging = new MessagingStack(app, $"{prefix}-Messaging", new MessagingStackProps
        {
            Env = env,
            Stage = stage,
            Description = $"BookingAws {stage.Name}: SQS queues, DLQs, schedules",
        });
        var email = new EmailStack(app, $"{prefix}-Email", new EmailStackProps
        {
            Env = env,
            Stage = stage,
            Description = $"BookingAws {stage.Name}: SES domain identity, configuration set, bounce and complaint events",
        });
        var identity = new IdentityStack(app, $"{prefix}-Identity", new IdentityStackProps
        {
            Env = env,
            Stage = stage,
            Description = $"BookingAws {stage.Name}: Cognito user pool and app clients",
            Email = email,
        });
        var compute = new ComputeStack(app, $"{prefix}-Compute", new ComputeStackProps
        {
            Env = env,
            Stage = stage,
            Description = $"BookingAws {stage.Name}: load balancer, API and worker fleets",
            ApiBundlePath = apiBundle,
            WorkersBundlePath = workersBundle,
            OriginVerifyVersion = Context("originVerifyVersion"),
            OriginVerifyPreviousVersion = Context("originVerifyPreviousVersion"),
            Vpc = network.Vpc,
            AlbSecurityGroup = network.AlbSecurityGroup,
            ApiSecurityGroup = network.ApiSecurityGroup,
            WorkerSecurityGroup = network.WorkerSecurityGroup,
            Database = data.Database,
            DatabaseSecret = data.DatabaseSecret,
            AppDatabaseSecret = data.AppDatabaseSecret,
            CacheAuthSecret = data.CacheAuthSecret,
            CacheHost = data.CacheEndpoint,
            CachePort = DataStack.CachePort,
            StripeSecret = data.StripeSecret,
            LinkSigningSecret = data.LinkSigningSecret,
            Messaging = messaging,
            Identity = identity,
            Email = email,
        });
        var waf = new WafStack(app, $"{prefix}-Waf", new WafStackProps
        {
            Env = new Amazon.CDK.Environment { Account = account, Region = EdgeSecurityRegion },
            Stage = stage,
            Description = $"BookingAws {stage.Name}: CloudFront web ACL (us-east-1)",
            CrossRegionReferences = true,
        });
        var edge = new EdgeStack(app, $"{prefix}-Edge", new EdgeStackProps
        {
            Env = env,
            Stage = stage,
            Description = $"BookingAws {stage.Name}: portal bucket, CloudFront",
            CrossRegionReferences = true,
            ApiOriginDomain = stage.OriginDomainName ?? compute.LoadBalancer.LoadBalancerDnsName,
            ApiOriginHttps = compute.Https,
            WebAclArn = waf.WebAcl.AttrArn,
            PortalBundle = Context("portalBundle"),
            DashboardBundle = Context("dashboardBundle"),
            OriginVerifySecret = compute.OriginVerifySecret,
            OriginVerifyVersion = Context("originVerifyVersion"),
        });
        var observability = new ObservabilityStack(app, $"{prefix}-Observability", new ObservabilityStackProps
        {
            Env = env,
            Stage = stage,
            Description = $"BookingAws {stage.Name}: dashboard, alarms, on-call topic",
            LoadBalancer = compute.LoadBalancer,
            ApiTargets = compute.ApiTargets,
            ApiGroup = compute.Api.Group,
            WorkerGroup = compute.Workers.Group,
            Database = data.Database,
            CacheReplicationGroupId = data.Cache.Ref,
            CacheNodes = 1 + stage.CacheReplicas,
            // Every declared queue gets a backlog and a DLQ alarm, whichever stack made it.
            Queues = DeclaredQueues(messaging, email),
            ApiLogs = compute.ApiLogs,
            WorkerLogs = compute.WorkerLogs,
            RotatedSecrets = [data.DatabaseSecret, data.AppDatabaseSecret, data.CacheAuthSecret],
        });
        var edgeAlarms = new EdgeAlarmsStack(app, $"{prefix}-EdgeAlarms", new EdgeAlarmsStackProps
        {
            Env = new Amazon.CDK.Environment { Account = account, Region = EdgeSecurityRegion },
            Stage = stage,
            Description = $"BookingAws {stage.Name}: CloudFront and WAF alarms (us-east-1, where their metrics are)",
            CrossRegionReferences = true,
            DistributionId = edge.Distribution.DistributionId,
            WebAclName = Fn.Select(0, Fn.Split("|", waf.WebAcl.Ref)),
        });

        Nag.SuppressCdkProvider(network, "CustomVpcRestrictDefaultSG");
        Nag.SuppressCdkProvider(data, "LogRetention", "Resource::*");
        Nag.SuppressCdkProvider(waf, "CustomCrossRegionExportWriter", $"Resource::arn:aws:ssm:{region}:{account}:parameter/cdk/exports/*");
        Nag.SuppressCdkProvider(edge, "CustomCrossRegionExportReader", $"Resource::arn:aws:ssm:{region}:{account}:parameter/cdk/exports/{edge.StackName}/*");

        Nag.SuppressCdkProvider(edge, "CustomCrossRegionExportWriter", $"Resource::arn:aws:ssm:{EdgeSecurityRegion}:{account}:parameter/cdk/exports/*");
        Nag.SuppressCdkProvider(edgeAlarms, "CustomCrossRegionExportReader", $"Resource::arn:aws:ssm:{EdgeSecurityRegion}:{account}:parameter/cdk/exports/{edgeAlarms.StackName}/*");

        foreach (var stack in new Stack[] { network, data, messaging, email, identity, compute, waf, edge, observability, edgeAlarms })
        {
            AcknowledgeGuardFindingsEverywhere(stack);
            SupportedLambdaRuntimes.ApplyTo(stack);
            Tags.Of(stack).Add("Project", "BookingAws");
            Tags.Of(stack).Add("Stage", stage.Name);
        }

        return new Platform
        {
            Stage = stage,
            Network = network,
            Data = data,
            Messaging = messaging,
            Email = email,
            Identity = identity,
            Compute = compute,
            Waf = waf,
            Edge = edge,
            Observability = observability,
            EdgeAlarms = edgeAlarms,
        };
    }

    /// <summary>Control Tower findings that hold for every stack: CDK's key policies and CDK's own provider functions.</summary>
    private static void AcknowledgeGuardFindingsEverywhere(Stack stack)
    {
        foreach (var key in stack.Node.FindAll().OfType<Amazon.CDK.AWS.KMS.CfnKey>())
        {
            Guard.Suppress(key, "kms_create_grant_aws_service_check",
                "CDK's key policy: the account root holds kms:* (IAM policies decide, and grant CreateGrant to no one) and named AWS service principals use the key; no principal outside AWS services is granted CreateGrant.");
        }
        // CDK's singleton providers (log retention, cross-region exports, default-SG restriction, SDK calls, bucket
        // deployment) call only AWS APIs; putting them in the VPC would add ENIs and NAT paths for nothing.
        foreach (var prefix in new[] { "LogRetention", "CustomCrossRegionExportReader", "CustomCrossRegionExportWriter", "CustomVpcRestrictDefaultSG", "AWS679f53fac002430cb0da5b7982bd2287", "CustomCDKBucketDeployment" })
        {
            Guard.SuppressGenerated(stack, prefix, "lambda_inside_vpc_check",
                "CDK-managed provider function that only calls AWS APIs during deployment; it needs no VPC access.");
        }
    }

    /// <summary>Every queue <see cref="MessageTopology"/> declares, by key, from the stack that made it: the outbox's in
    /// Messaging, the SES-fed one in Email beside its topic. A declared queue that no stack makes fails the synth.</summary>
    public static IReadOnlyDictionary<string, Constructs.QueueWithDeadLetter> DeclaredQueues(MessagingStack messaging, EmailStack email) =>
        MessageTopology.Queues.ToDictionary(q => q.Key, q => q.FedBy switch
        {
            QueueFeed.Outbox => messaging.ByConcern[q.Key],
            QueueFeed.SesThroughSns => email.EventsQueue,
            _ => throw new InvalidOperationException($"No stack creates the {q.Name} queue (fed by {q.FedBy})."),
        });
}
