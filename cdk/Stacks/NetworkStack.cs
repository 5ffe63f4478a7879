using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.CustomResources;
using Constructs;

namespace BookingAws.Cdk.Stacks;

public sealed class NetworkStackProps : StackProps
{
    public required StageConfig Stage { get; init; }
}

/// <summary>
/// VPC, endpoints and the security groups of the entry and compute tiers. The data tier's groups live in
/// the data stack beside the cluster and cache they guard (their rules refer to the cluster's port, which
/// would otherwise make the network stack depend on the data stack).
/// </summary>
public sealed class NetworkStack : Stack
{
    public Vpc Vpc { get; }
    public SecurityGroup AlbSecurityGroup { get; }
    public SecurityGroup ApiSecurityGroup { get; }
    public SecurityGroup WorkerSecurityGroup { get; }
    public SecurityGroup EndpointSecurityGroup { get; }

    /// <summary>AWS's managed prefix list of CloudFront's origin-facing addresses.</summary>
    public const string CloudFrontPrefixListName = "com.amazonaws.global.cloudfront.origin-facing";

    /// <summary>The id of <see cref="CloudFrontPrefixListName"/> in this region, resolved at deploy time.</summary>
    public string CloudFrontPrefixListId { get; private set; } = "";

    public NetworkStack(Construct scope, string id, NetworkStackProps props) : base(scope, id, props)
    {
        var stage = props.Stage;
        Vpc = new Vpc(this, "Vpc", new VpcProps
        {
            IpAddresses = IpAddresses.Cidr("10.40.0.0/16"),
            MaxAzs = stage.MaxAzs,
            NatGateways = stage.NatGateways,
            SubnetConfiguration =
            [
                // Only the ALB and NAT gateways live here, with addresses of their own: nothing launched gets a public IP.
                new SubnetConfiguration { Name = "public", SubnetType = SubnetType.PUBLIC, CidrMask = 24, MapPublicIpOnLaunch = false },
                new SubnetConfiguration { Name = "app", SubnetType = SubnetType.PRIVATE_WITH_EGRESS, CidrMask = 20 },
                new SubnetConfiguration { Name = "data", SubnetType = SubnetType.PRIVATE_ISOLATED, CidrMask = 24 },
            ],
        });

        var flowLogs = new LogGroup(this, "FlowLogs", new LogGroupProps
        {
            Retention = Retention(stage.LogRetentionDays),
            RemovalPolicy = RemovalPolicy.DESTROY,
        });
        Guard.Suppress(flowLogs, "cloudwatch_log_group_encrypted_check",
            "Rejected-packet records (addresses and ports) hold no customer data; the log groups that do (API, workers) use a KMS key.");
        Guard.Suppress(flowLogs, "cloudwatch_log_group_retention_period_check",
            $"Rejected-packet records are kept {stage.LogRetentionDays} days for troubleshooting; a year would only add cost.");
        Vpc.AddFlowLog("FlowLog", new FlowLogOptions
        {
            Destination = FlowLogDestination.ToCloudWatchLogs(flowLogs),
            TrafficType = FlowLogTrafficType.REJECT,
        });

        AlbSecurityGroup = Group("Alb", "Internet-facing load balancer", allowAllOutbound: false);
        ApiSecurityGroup = Group("Api", "API instances", allowAllOutbound: true);
        WorkerSecurityGroup = Group("Workers", "Worker instances", allowAllOutbound: true);
        EndpointSecurityGroup = Group("Endpoints", "Interface VPC endpoints", allowAllOutbound: false);

        // Only CloudFront reaches the ALB: its origin-facing managed prefix list, on the one port CloudFront uses
        // (443 with a certificate, else 80). One port only: the list counts as ~55 rules of the group's 60.
        // The list's id differs per region, so a deploy-time lookup finds it by its AWS-defined name; a
        // context lookup (PrefixList.fromLookup) would need AWS credentials at synth.
        CloudFrontPrefixListId = CloudFrontOriginFacingPrefixList();
        var originPort = stage.CertificateArn is null ? 80 : 443;
        AlbSecurityGroup.AddIngressRule(Peer.PrefixList(CloudFrontPrefixListId), Port.Tcp(originPort),
            "CloudFront origin-facing servers only (the listener also requires the origin-verify header)");

        var app = Port.Tcp(stage.AppPort);
        AlbSecurityGroup.AddEgressRule(ApiSecurityGroup, app, "ALB to API instances");
        ApiSecurityGroup.AddIngressRule(AlbSecurityGroup, app, "ALB to API instances");

        var https = Port.Tcp(443);
        EndpointSecurityGroup.AddIngressRule(ApiSecurityGroup, https, "API to AWS service endpoints");
        EndpointSecurityGroup.AddIngressRule(WorkerSecurityGroup, https, "Workers to AWS service endpoints");

        // Gateway endpoint: S3 traffic (assets, portal, logs) stays off the NAT gateways at no cost.
        Vpc.AddGatewayEndpoint("S3", new GatewayVpcEndpointOptions { Service = GatewayVpcEndpointAwsService.S3 });
        Endpoint("Sqs", InterfaceVpcEndpointAwsService.SQS);
        Endpoint("SecretsManager", InterfaceVpcEndpointAwsService.SECRETS_MANAGER);
        Endpoint("Logs", InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS);
    }

    private string CloudFrontOriginFacingPrefixList()
    {
        var call = new AwsSdkCall
        {
            Service = "EC2",
            Action = "describeManagedPrefixLists",
            Parameters = new Dictionary<string, object>
            {
                ["Filters"] = new[] { new Dictionary<string, object> { ["Name"] = "prefix-list-name", ["Values"] = new[] { CloudFrontPrefixListName } } },
            },
            PhysicalResourceId = PhysicalResourceId.Of(CloudFrontPrefixListName),
            OutputPaths = ["PrefixLists.0.PrefixListId"],
        };
        var lookup = new AwsCustomResource(this, "CloudFrontPrefixList", new AwsCustomResourceProps
        {
            OnCreate = call,
            OnUpdate = call,
            // DescribeManagedPrefixLists has no resource-level permissions.
            Policy = AwsCustomResourcePolicy.FromSdkCalls(new SdkCallsPolicyOptions { Resources = AwsCustomResourcePolicy.ANY_RESOURCE }),
            InstallLatestAwsSdk = false,
        });
        Nag.SuppressCdkProvider(this, "AWS679f53fac002430cb0da5b7982bd2287", "Resource::*");
        Nag.Suppress(lookup, "AwsSolutions-IAM5[Resource::*]", "ec2:DescribeManagedPrefixLists supports no resource-level permissions.");
        return lookup.GetResponseField("PrefixLists.0.PrefixListId");
    }

    internal static RetentionDays Retention(int days) => days switch
    {
        <= 1 => RetentionDays.ONE_DAY,
        <= 7 => RetentionDays.ONE_WEEK,
        <= 14 => RetentionDays.TWO_WEEKS,
        <= 30 => RetentionDays.ONE_MONTH,
        <= 90 => RetentionDays.THREE_MONTHS,
        <= 180 => RetentionDays.SIX_MONTHS,
        _ => RetentionDays.ONE_YEAR,
    };

    private SecurityGroup Group(string id, string description, bool allowAllOutbound) =>
        new(this, id + "SecurityGroup", new SecurityGroupProps
        {
            Vpc = Vpc,
            Description = description,
            AllowAllOutbound = allowAllOutbound,
        });

    private void Endpoint(string id, InterfaceVpcEndpointAwsService service) =>
        Vpc.AddInterfaceEndpoint(id, new InterfaceVpcEndpointOptions
        {
            Service = service,
            Subnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS },
            SecurityGroups = [EndpointSecurityGroup],
            // Only the groups above may reach the endpoints, not the whole VPC CIDR.
            Open = false,
            PrivateDnsEnabled = true,
        });
}
