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

    public required ISecret DatabaseSecret { get; init; }
    public required string DatabaseReaderHost { get; init; }
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
/// into user data.
/// </summary>
public sealed class AppFleet : Construct
{
    public AutoScalingGroup Group { get; }
    public Role Role { get; }
    public LaunchTemplate LaunchTemplate { get; }

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
        // Asset.GrantRead would allow s3:GetObject*/List* on the whole bootstrap bucket; this fleet needs one object.
        Role.AddToPrincipalPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["s3:GetObject"],
            Resources = [bundle.Bucket.ArnForObjects(bundle.S3ObjectKey)],
        }));
        props.LogGroup.GrantWrite(Role);
        props.DatabaseSecret.GrantRead(Role);
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
        Nag.Suppress(Group, "AwsSolutions-AS3",
            "Scaling activity is charted from group metrics on the dashboard and capacity symptoms alarm to on-call; per-event mail would be noise.");

        WriteUserData(userData, props, bundle, stack.Region);
        // Reports the user data's exit code to CloudFormation: a bad bundle fails the deploy instead of the fleet.
        userData.AddSignalOnExitCommand(Group);
    }

    private static void WriteUserData(UserData userData, AppFleetProps props, Asset bundle, string region)
    {
        var name = props.ServiceName;
        var home = $"/opt/bookingaws/{name}";
        var logFile = $"/var/log/bookingaws/{name}.log";

        var plain = new Dictionary<string, string>(props.Environment)
        {
            ["AWS_REGION"] = region,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            // The local CloudWatch agent receives OTLP and forwards traces to X-Ray and metrics to CloudWatch.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317",
            ["OTEL_SERVICE_NAME"] = $"bookingaws-{name}",
        };
        var sources = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["region"] = region,
            ["databaseSecretArn"] = props.DatabaseSecret.SecretArn,
            ["readerHost"] = props.DatabaseReaderHost,
            ["cacheSecretArn"] = props.CacheAuthSecret.SecretArn,
            ["cacheHost"] = props.CacheHost,
            ["cachePort"] = props.CachePort,
            ["stripeSecretArn"] = props.StripeSecret.SecretArn,
            ["linkSecretArn"] = props.LinkSigningSecret.SecretArn,
            ["portalUrlParameter"] = props.PortalUrlParameter,
            ["plain"] = plain,
        });
        var agentConfig = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["agent"] = new Dictionary<string, object> { ["region"] = region, ["run_as_user"] = "root" },
            ["logs"] = new Dictionary<string, object>
            {
                ["logs_collected"] = new Dictionary<string, object>
                {
                    ["files"] = new Dictionary<string, object>
                    {
                        ["collect_list"] = new[]
                        {
                            new Dictionary<string, object>
                            {
                                ["file_path"] = logFile,
                                ["log_group_name"] = props.LogGroup.LogGroupName,
                                ["log_stream_name"] = "{instance_id}",
                            },
                        },
                    },
                },
                // EMF on TCP/UDP 25888 for custom metrics such as BookingAws/OutboxBacklog.
                ["metrics_collected"] = new Dictionary<string, object> { ["emf"] = new Dictionary<string, object>() },
            },
            ["metrics"] = new Dictionary<string, object>
            {
                ["namespace"] = "BookingAws",
                ["metrics_collected"] = new Dictionary<string, object>
                {
                    ["otlp"] = new Dictionary<string, object>
                    {
                        ["grpc_endpoint"] = "127.0.0.1:4317",
                        ["http_endpoint"] = "127.0.0.1:4318",
                    },
                    ["mem"] = new Dictionary<string, object> { ["measurement"] = new[] { "mem_used_percent" } },
                },
            },
            ["traces"] = new Dictionary<string, object>
            {
                ["traces_collected"] = new Dictionary<string, object>
                {
                    ["otlp"] = new Dictionary<string, object>
                    {
                        ["grpc_endpoint"] = "127.0.0.1:4317",
                        ["http_endpoint"] = "127.0.0.1:4318",
                    },
                },
            },
        });

        userData.AddCommands(
            "set -euo pipefail",
            "dnf install -y unzip amazon-cloudwatch-agent aws-cfn-bootstrap python3 logrotate",
            "id bookingaws >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin bookingaws",
            $"mkdir -p {home} /etc/bookingaws /var/log/bookingaws",
            "chown bookingaws /var/log/bookingaws");
        var zip = userData.AddS3DownloadCommand(new S3DownloadOptions
        {
            Bucket = bundle.Bucket,
            BucketKey = bundle.S3ObjectKey,
            LocalFile = $"/tmp/{name}.zip",
        });
        userData.AddCommands(
            $"unzip -o -q {zip} -d {home}",
            $"chmod +x {home}/{props.Executable}",
            $"cat > /etc/bookingaws/{name}.sources.json <<'JSON'",
            sources,
            "JSON",
            "cat > /usr/local/bin/bookingaws-render-env <<'PY'",
            RenderEnvScript,
            "PY",
            "chmod 755 /usr/local/bin/bookingaws-render-env",
            $"cat > /etc/systemd/system/bookingaws-{name}.service <<'UNIT'",
            "[Unit]",
            $"Description=BookingAws {name}",
            "After=network-online.target",
            "Wants=network-online.target",
            "[Service]",
            "User=bookingaws",
            $"WorkingDirectory={home}",
            $"EnvironmentFile=-/etc/bookingaws/{name}.env",
            // '+' runs the renderer as root; it reads the secrets just before each start.
            $"ExecStartPre=+/usr/local/bin/bookingaws-render-env {name}",
            $"ExecStart={home}/{props.Executable}",
            "Restart=always",
            "RestartSec=5",
            $"StandardOutput=append:{logFile}",
            $"StandardError=append:{logFile}",
            "[Install]",
            "WantedBy=multi-user.target",
            "UNIT",
            // Hourly re-render picks up rotated database credentials and restarts only when they changed.
            $"cat > /etc/systemd/system/bookingaws-{name}-env.service <<'UNIT'",
            "[Service]",
            "Type=oneshot",
            $"ExecStart=/usr/local/bin/bookingaws-render-env {name} --restart-on-change",
            "UNIT",
            $"cat > /etc/systemd/system/bookingaws-{name}-env.timer <<'UNIT'",
            "[Timer]",
            "OnCalendar=hourly",
            "RandomizedDelaySec=300",
            "[Install]",
            "WantedBy=timers.target",
            "UNIT",
            $"printf '%s\\n' '{logFile} {{' daily rotate 3 compress missingok copytruncate '}}' > /etc/logrotate.d/bookingaws-{name}",
            "cat > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<'JSON'",
            agentConfig,
            "JSON",
            "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json",
            "systemctl daemon-reload",
            $"systemctl enable --now bookingaws-{name}.service bookingaws-{name}-env.timer");
        if (props.ReadinessUrl is not null)
        {
            userData.AddCommands(
                // Signal success only once the app reports ready (database and cache reachable).
                "deadline=$((SECONDS + 600))",
                $"until curl -fsS -o /dev/null {props.ReadinessUrl}; do",
                "  if [ $SECONDS -ge $deadline ]; then echo 'not ready in time' >&2; exit 1; fi",
                "  sleep 5",
                "done");
        }
        else
        {
            userData.AddCommands("sleep 15", $"systemctl is-active --quiet bookingaws-{name}.service");
        }
    }

    private const string RenderEnvScript = """
        #!/usr/bin/env python3
        # Writes /etc/bookingaws/<service>.env from Secrets Manager so no secret sits in user data or templates.
        import json, os, subprocess, sys

        service = sys.argv[1]
        restart = "--restart-on-change" in sys.argv
        src = json.load(open(f"/etc/bookingaws/{service}.sources.json"))

        def secret(arn):
            out = subprocess.check_output(["aws", "secretsmanager", "get-secret-value", "--region", src["region"],
                                           "--secret-id", arn, "--query", "SecretString", "--output", "text"])
            return out.decode().strip()

        db = json.loads(secret(src["databaseSecretArn"]))
        def npgsql(host):
            return (f"Host={host};Port={db['port']};Database={db.get('dbname', 'bookingaws')};"
                    f"Username={db['username']};Password={db['password']};SSL Mode=Require")

        env = dict(src["plain"])
        env["ConnectionStrings__Primary"] = npgsql(db["host"])
        env["ConnectionStrings__Replica"] = npgsql(src["readerHost"])
        env["ConnectionStrings__Redis"] = (f"{src['cacheHost']}:{src['cachePort']},ssl=true,abortConnect=false,"
                                           f"password={secret(src['cacheSecretArn'])}")
        stripe = json.loads(secret(src["stripeSecretArn"]))
        env["Stripe__ApiKey"] = stripe["ApiKey"]
        env["Stripe__WebhookSecret"] = stripe["WebhookSecret"]
        env["Links__SigningKey"] = secret(src["linkSecretArn"])
        path = f"/etc/bookingaws/{service}.env"
        try:
            env["Links__PortalBaseUrl"] = subprocess.check_output(
                ["aws", "ssm", "get-parameter", "--region", src["region"], "--name", src["portalUrlParameter"],
                 "--query", "Parameter.Value", "--output", "text"]).decode().strip()
        except subprocess.CalledProcessError:
            # A failed read keeps the last known URL; only before the Edge stack's first deploy is there none.
            known = [l.split("=", 1)[1].strip('"') for l in (open(path).read().splitlines() if os.path.exists(path) else [])
                     if l.startswith("Links__PortalBaseUrl=")]
            env["Links__PortalBaseUrl"] = known[0] if known else "https://portal-url-not-yet-known.invalid"

        def quote(value):
            return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

        text = "".join(f"{k}={quote(str(v))}\n" for k, v in sorted(env.items()))
        old = open(path).read() if os.path.exists(path) else None
        if text != old:
            tmp = path + ".tmp"
            with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
                f.write(text)
            os.replace(tmp, path)
            if restart and old is not None:
                subprocess.call(["systemctl", "try-restart", f"bookingaws-{service}.service"])
        """;
}
