using System.Text.Json;
using Amazon.CDK;
using Amazon.CDK.AWS.AutoScaling;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.S3.Assets;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;

namespace BookingAws.Cdk.Constructs;

public sealed class AppFleetProps
{
    /// <summary>Short service name: unit <c>bookingaws-{name}</c>, folder <c>/opt/bookingaws/{name}</c>.</summary>
    public required string ServiceName { get; init; }

    /// <summary>The self-contained executable inside the bundle (e.g. BookingAws.Api).</summary>
    public required string Executable { get; init; }

    /// <summary>Directory holding <c>dotnet publish -r linux-arm64 --self-contained</c> output.</summary>
    public required string BundlePath { get; init; }

    public required IVpc Vpc { get; init; }
    public required ISecurityGroup SecurityGroup { get; init; }
    public required string InstanceType { get; init; }
    public required int MinCapacity { get; init; }
    public required int MaxCapacity { get; init; }
    public required ILogGroup LogGroup { get; init; }

    /// <summary>Plain settings (queue URLs, URLs, service name); secrets never go here.</summary>
    public required IDictionary<string, string> Environment { get; init; }

    /// <summary>The secret the app connects with (Primary and Replica connection strings).</summary>
    public required ISecret DatabaseSecret { get; init; }

    /// <summary>
    /// When set, this fleet runs the release's migrations before its service starts, connecting with this
    /// secret (ConnectionStrings__Migrations, rendered only for that step). Only the API fleet gets one.
    /// </summary>
    public ISecret? MigrationDatabaseSecret { get; init; }

    public required string DatabaseReaderHost { get; init; }

    /// <summary>The writer endpoint, for a database secret that carries no host.</summary>
    public string? DatabaseWriterHost { get; init; }
    public required ISecret CacheAuthSecret { get; init; }
    public required string CacheHost { get; init; }
    public required int CachePort { get; init; }
    public required ISecret StripeSecret { get; init; }
    public required ISecret LinkSigningSecret { get; init; }

    /// <summary>SSM parameter holding the portal's public URL (written by the Edge stack, read at each env render).</summary>
    public required string PortalUrlParameter { get; init; }

    /// <summary>When set, the instance only reports ready after this local URL answers 200.</summary>
    public string? ReadinessUrl { get; init; }

    /// <summary>Use the load balancer's health check (API) rather than EC2 status only (workers).</summary>
    public bool ElbHealthCheck { get; init; }
}

/// <summary>
/// An Auto Scaling group of Graviton Amazon Linux 2023 instances that download a self-contained .NET bundle
/// from an S3 asset and run it as a systemd service, with the CloudWatch agent shipping its JSON logs and
/// receiving OTLP traces and metrics. Secrets are read at service start from Secrets Manager, never baked
/// into user data. The boot itself is <c>cdk/assets/boot</c> (shell, units, agent JSON), shipped as a
/// second asset: user data only writes the stack's values and runs <c>boot.sh</c>.
/// </summary>
public sealed class AppFleet : Construct
{
    public AutoScalingGroup Group { get; }
    public Role Role { get; }
    public LaunchTemplate LaunchTemplate { get; }

    /// <summary>The boot folder as shipped to the instances.</summary>
    public Asset BootAsset { get; }

    public AppFleet(Construct scope, string id, AppFleetProps props) : base(scope, id)
    {
        var name = props.ServiceName;
        Role = new Role(this, "Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("ec2.amazonaws.com"),
            Description = $"BookingAws {name} instances",
            // Session Manager replaces SSH: no key pairs, no port 22.
            ManagedPolicies = [ManagedPolicy.FromAwsManagedPolicyName("AmazonSSMManagedInstanceCore")],
        });
        Nag.Suppress(Role, "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]",
            "Session Manager access instead of SSH; the AWS-maintained policy tracks the agent's needs.");

        var bundle = new Asset(this, "Bundle", new AssetProps { Path = props.BundlePath });
        // The boot files: one folder, one asset (same content hash for both fleets, so one S3 object).
        var boot = BootAsset = new Asset(this, "Boot", new AssetProps { Path = BootFolder });
        // Asset.GrantRead would allow s3:GetObject*/List* on the whole bootstrap bucket; this fleet needs two objects.
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["s3:GetObject"],
            Resources = [bundle.Bucket.ArnForObjects(bundle.S3ObjectKey), boot.Bucket.ArnForObjects(boot.S3ObjectKey)],
        }));
        props.LogGroup.GrantWrite(Role);
        props.DatabaseSecret.GrantRead(Role);
        props.MigrationDatabaseSecret?.GrantRead(Role);
        props.CacheAuthSecret.GrantRead(Role);
        props.StripeSecret.GrantRead(Role);
        props.LinkSigningSecret.GrantRead(Role);
        // By name, not by reference: the Edge stack writes it and is deployed after this one.
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["ssm:GetParameter"],
            Resources = [Stack.Of(this).FormatArn(new ArnComponents { Service = "ssm", Resource = "parameter", ResourceName = props.PortalUrlParameter.TrimStart('/') })],
        }));

        // PutMetricData and X-Ray writes have no resource-level permissions; the namespace condition narrows metrics.
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["cloudwatch:PutMetricData"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["cloudwatch:namespace"] = new[] { "BookingAws", "CWAgent" } },
            },
        }));
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
            Resources = ["*"],
        }));
        var stack = Stack.Of(this);
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["cloudformation:SignalResource"],
            Resources = [stack.StackId],
        }));
        Nag.Suppress(Role, "AwsSolutions-IAM5[Resource::*]",
            "cloudwatch:PutMetricData (limited by namespace condition) and X-Ray writes support no resource-level permissions.");

        var userData = UserData.ForLinux();
        LaunchTemplate = new LaunchTemplate(this, "LaunchTemplate", new LaunchTemplateProps
        {
            InstanceType = new Amazon.CDK.AWS.EC2.InstanceType(props.InstanceType),
            // Resolved from the public SSM parameter at deploy time: no lookup, so synth stays offline.
            MachineImage = MachineImage.LatestAmazonLinux2023(new AmazonLinux2023ImageSsmParameterProps
            {
                CpuType = AmazonLinuxCpuType.ARM_64,
            }),
            Role = Role,
            SecurityGroup = props.SecurityGroup,
            UserData = userData,
            RequireImdsv2 = true,
            HttpPutResponseHopLimit = 1,
            DetailedMonitoring = true,
            BlockDevices =
            [
                new Amazon.CDK.AWS.EC2.BlockDevice
                {
                    DeviceName = "/dev/xvda",
                    Volume = Amazon.CDK.AWS.EC2.BlockDeviceVolume.Ebs(20, new Amazon.CDK.AWS.EC2.EbsDeviceOptions
                    {
                        Encrypted = true,
                        VolumeType = Amazon.CDK.AWS.EC2.EbsDeviceVolumeType.GP3,
                        DeleteOnTermination = true,
                    }),
                },
            ],
        });

        Group = new AutoScalingGroup(this, "Group", new AutoScalingGroupProps
        {
            Vpc = props.Vpc,
            VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS },
            LaunchTemplate = LaunchTemplate,
            MinCapacity = props.MinCapacity,
            MaxCapacity = props.MaxCapacity,
            HealthCheck = props.ElbHealthCheck
                ? Amazon.CDK.AWS.AutoScaling.HealthCheck.Elb(new ElbHealthCheckOptions { Grace = Duration.Minutes(5) })
                : Amazon.CDK.AWS.AutoScaling.HealthCheck.Ec2(new Ec2HealthCheckOptions { Grace = Duration.Minutes(5) }),
            // Replace one instance at a time and wait for its ready signal, keeping capacity during deploys.
            UpdatePolicy = UpdatePolicy.RollingUpdate(new RollingUpdateOptions
            {
                MaxBatchSize = 1,
                MinInstancesInService = Math.Min(props.MinCapacity, props.MaxCapacity - 1),
                WaitOnResourceSignals = true,
                PauseTime = Duration.Minutes(15),
                SuspendProcesses =
                [
                    ScalingProcess.HEALTH_CHECK, ScalingProcess.REPLACE_UNHEALTHY, ScalingProcess.AZ_REBALANCE,
                    ScalingProcess.ALARM_NOTIFICATION, ScalingProcess.SCHEDULED_ACTIONS,
                ],
            }),
            Signals = Signals.WaitForMinCapacity(new SignalsOptions { Timeout = Duration.Minutes(15) }),
            GroupMetrics = [GroupMetrics.All()],
        });
        Guard.Suppress(Group, "autoscaling_multiple_az_check",
            "The group spans every private subnet of the VPC, one per zone; the rule cannot see the zones of subnets imported from the Network stack.");
        Guard.Suppress(Group, "autoscaling_mixed_instances_policy_multiple_instance_types_check",
            "One Graviton instance type per fleet, sized in StageConfig; on-demand only, so a second type would not add capacity sources worth the testing.");
        Nag.Suppress(Group, "AwsSolutions-AS3",
            "Scaling activity is charted from group metrics on the dashboard and capacity symptoms alarm to on-call; per-event mail would be noise.");

        WriteUserData(userData, props, bundle, boot, stack.Region);
        // Reports the user data's exit code to CloudFormation: a bad bundle fails the deploy instead of the fleet.
        userData.AddSignalOnExitCommand(Group);
    }

    /// <summary>The instance boot files (cdk/assets/boot), copied beside the CDK app at build time.</summary>
    public static string BootFolder { get; } = Path.Combine(AppContext.BaseDirectory, "assets", "boot");

    private static void WriteUserData(UserData userData, AppFleetProps props, Asset bundle, Asset boot, string region)
    {
        var name = props.ServiceName;
        var plain = new Dictionary<string, string>(props.Environment)
        {
            ["AWS_REGION"] = region,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            // The local CloudWatch agent receives OTLP and forwards traces to X-Ray and metrics to CloudWatch.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317",
            ["OTEL_SERVICE_NAME"] = $"bookingaws-{name}",
        };
        var sources = new Dictionary<string, object>
        {
            ["region"] = region,
            ["logGroup"] = props.LogGroup.LogGroupName,
            ["databaseSecretArn"] = props.DatabaseSecret.SecretArn,
            ["readerHost"] = props.DatabaseReaderHost,
            ["cacheSecretArn"] = props.CacheAuthSecret.SecretArn,
            ["cacheHost"] = props.CacheHost,
            ["cachePort"] = props.CachePort,
            ["stripeSecretArn"] = props.StripeSecret.SecretArn,
            ["linkSecretArn"] = props.LinkSigningSecret.SecretArn,
            ["portalUrlParameter"] = props.PortalUrlParameter,
            ["plain"] = plain,
        };
        if (props.DatabaseWriterHost is not null)
        {
            sources["writerHost"] = props.DatabaseWriterHost;
        }
        if (props.MigrationDatabaseSecret is not null)
        {
            sources["migrationSecretArn"] = props.MigrationDatabaseSecret.SecretArn;
        }

        userData.AddCommands(
            "set -euo pipefail",
            "mkdir -p /etc/bookingaws && chmod 700 /etc/bookingaws",
            $"cat > /etc/bookingaws/{name}.sources.json <<'JSON'",
            JsonSerializer.Serialize(sources),
            "JSON");
        var zip = userData.AddS3DownloadCommand(new S3DownloadOptions
        {
            Bucket = boot.Bucket,
            BucketKey = boot.S3ObjectKey,
            LocalFile = "/tmp/bookingaws-boot.zip",
        });
        var args = new List<string>
        {
            name, "--executable", props.Executable, "--bundle", $"s3://{bundle.S3BucketName}/{bundle.S3ObjectKey}",
        };
        if (props.ReadinessUrl is not null)
        {
            args.AddRange(["--readiness-url", props.ReadinessUrl]);
        }
        if (props.MigrationDatabaseSecret is not null)
        {
            args.Add("--migrate");
        }
        userData.AddCommands(
            "command -v unzip >/dev/null || dnf install -y unzip",
            "rm -rf /opt/bookingaws/boot && mkdir -p /opt/bookingaws/boot",
            $"unzip -o -q {zip} -d /opt/bookingaws/boot",
            $"bash /opt/bookingaws/boot/boot.sh {string.Join(' ', args.Select(a => $"'{a}'"))}");
    }
}
