using Amazon.CDK;
using Amazon.CDK.AWS.AutoScaling;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.RDS;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.SecretsManager;
using BookingAws.Cdk.Constructs;
using Constructs;
using TargetHealthCheck = Amazon.CDK.AWS.ElasticLoadBalancingV2.HealthCheck;

namespace BookingAws.Cdk.Stacks;

public sealed class ComputeStackProps : StackProps
{
    public required StageConfig Stage { get; init; }
    public required string ApiBundlePath { get; init; }
    public required string WorkersBundlePath { get; init; }

    /// <summary>Secrets Manager version of the origin-verify value to use (context originVerifyVersion); null is AWSCURRENT.</summary>
    public string? OriginVerifyVersion { get; init; }

    /// <summary>During a rotation, the previous version, which the ALB still accepts (context originVerifyPreviousVersion).</summary>
    public string? OriginVerifyPreviousVersion { get; init; }
    public required IVpc Vpc { get; init; }
    public required ISecurityGroup AlbSecurityGroup { get; init; }
    public required ISecurityGroup ApiSecurityGroup { get; init; }
    public required ISecurityGroup WorkerSecurityGroup { get; init; }
    public required IDatabaseCluster Database { get; init; }
    /// <summary>The cluster's master secret: the API's migration step connects with it, nothing else does.</summary>
    public required ISecret DatabaseSecret { get; init; }

    /// <summary>The least-privileged role the apps connect with; until the Data stack provides it, the master secret.</summary>
    public required ISecret AppDatabaseSecret { get; init; }

    public required ISecret CacheAuthSecret { get; init; }
    public required string CacheHost { get; init; }
    public required int CachePort { get; init; }
    public required ISecret StripeSecret { get; init; }
    public required ISecret LinkSigningSecret { get; init; }
    public required MessagingStack Messaging { get; init; }

    /// <summary>Cognito pool the API trusts for who a caller is, and where sign-up creates owners.</summary>
    public required IdentityStack Identity { get; init; }

    /// <summary>SES identity, configuration set and the bounce/complaint queue the workers use.</summary>
    public required EmailStack Email { get; init; }
}

/// <summary>The internet-facing ALB, the API fleet behind it and the worker fleet scaled on queue backlog.</summary>
public sealed class ComputeStack : Stack
{
    /// <summary>Paths the ALB forwards to the API; everything else is the portal's, served by CloudFront.</summary>
    public static readonly string[] ApiPaths = ["/api/*", "/hubs/*"];

    /// <summary>CloudFront adds this header, with the secret's value, to every request it sends to the ALB.</summary>
    public const string OriginVerifyHeader = "X-Origin-Verify";

    /// <summary>The origin-verify value as a deploy-time reference, pinned to a secret version when one is given.</summary>
    public static string OriginVerifyValue(ISecret secret, string? version) =>
        (version is null ? secret.SecretValue : SecretValue.SecretsManager(secret.SecretArn, new SecretsManagerSecretOptions { VersionId = version }))
            .UnsafeUnwrap();

    /// <summary>Where the Edge stack publishes the portal's URL for the apps (links in emails).</summary>
    public static string PortalUrlParameterName(StageConfig stage) => $"/bookingaws/{stage.Name}/portal-url";

    /// <summary>The value only CloudFront knows; requests to the ALB without it get 404, so the WAF cannot be bypassed.</summary>
    public Secret OriginVerifySecret { get; }

    public ApplicationLoadBalancer LoadBalancer { get; }
    public ApplicationTargetGroup ApiTargets { get; }
    public AppFleet Api { get; }
    public AppFleet Workers { get; }
    public Key LogKey { get; }
    public LogGroup ApiLogs { get; }
    public LogGroup WorkerLogs { get; }

    /// <summary>True when the ALB listens on HTTPS, so CloudFront must use HTTPS to reach it.</summary>
    public bool Https { get; }

    public ComputeStack(Construct scope, string id, ComputeStackProps props) : base(scope, id, props)
    {
        var stage = props.Stage;
        var keep = stage.Protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
        // The apps' logs hold customer emails and names: encrypted with a key of ours, which CloudWatch Logs may
        // use only for this account's log groups in this region.
        LogKey = new Key(this, "LogKey", new KeyProps
        {
            Description = "Encrypts the BookingAws application log groups",
            EnableKeyRotation = true,
            RemovalPolicy = keep,
        });
        LogKey.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Principals = [new ServicePrincipal($"logs.{Region}.amazonaws.com")],
            Actions = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["ArnLike"] = new Dictionary<string, object>
                {
                    ["kms:EncryptionContext:aws:logs:arn"] = $"arn:{Partition}:logs:{Region}:{Account}:log-group:*",
                },
            },
        }));
        ApiLogs = new LogGroup(this, "ApiLogs", new LogGroupProps
        {
            Retention = NetworkStack.Retention(stage.LogRetentionDays),
            EncryptionKey = LogKey,
            RemovalPolicy = keep,
        });
        WorkerLogs = new LogGroup(this, "WorkerLogs", new LogGroupProps
        {
            Retention = NetworkStack.Retention(stage.LogRetentionDays),
            EncryptionKey = LogKey,
            RemovalPolicy = keep,
        });

        foreach (var logGroup in new[] { ApiLogs, WorkerLogs })
        {
            Guard.Suppress(logGroup, "cloudwatch_log_group_retention_period_check",
                $"Application logs hold customer emails and names: kept {stage.LogRetentionDays} days (data minimisation); bookings themselves live in Aurora.");
        }

        var queues = props.Messaging.ByConcern;
        var environment = queues.ToDictionary(q => $"Sqs__Queues__{q.Key}", q => q.Value.Queue.QueueUrl);
        // The apps' sampler keeps every error trace and this share of the rest (README, cost).
        environment["Tracing__SampleRatio"] = stage.TracingSampleRatio.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

        AppFleetProps Fleet(string name, string executable, string bundle, ISecurityGroup group, string type, int min, int max,
            LogGroup logs, IDictionary<string, string> env, string? readiness, bool migrates) => new()
            {
                ServiceName = name,
                Executable = executable,
                BundlePath = bundle,
                Vpc = props.Vpc,
                SecurityGroup = group,
                InstanceType = type,
                MinCapacity = min,
                MaxCapacity = max,
                LogGroup = logs,
                Environment = env,
                DatabaseSecret = props.AppDatabaseSecret,
                MigrationDatabaseSecret = migrates ? props.DatabaseSecret : null,
                DatabaseReaderHost = props.Database.ClusterReadEndpoint.Hostname,
                DatabaseWriterHost = props.Database.ClusterEndpoint.Hostname,
                CacheAuthSecret = props.CacheAuthSecret,
                CacheHost = props.CacheHost,
                CachePort = props.CachePort,
                StripeSecret = props.StripeSecret,
                LinkSigningSecret = props.LinkSigningSecret,
                PortalUrlParameter = PortalUrlParameterName(stage),
                ReadinessUrl = readiness,
                ElbHealthCheck = readiness is not null,
            };

        var apiEnv = new Dictionary<string, string>(environment.Concat(props.Identity.ApiEnvironment))
        {
            ["ASPNETCORE_URLS"] = $"http://0.0.0.0:{stage.AppPort}",
            // The ALB terminates TLS and sets X-Forwarded-*; the app trusts them from inside the VPC.
            ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true",
        };
        Api = new AppFleet(this, "Api", Fleet("api", "BookingAws.Api", props.ApiBundlePath, props.ApiSecurityGroup,
            stage.ApiInstanceType, stage.ApiMin, stage.ApiMax, ApiLogs, apiEnv,
            $"http://127.0.0.1:{stage.AppPort}/health/ready", migrates: true));
        Workers = new AppFleet(this, "Workers", Fleet("workers", "BookingAws.Workers", props.WorkersBundlePath,
            props.WorkerSecurityGroup, stage.WorkerInstanceType, stage.WorkerMin, stage.WorkerMax, WorkerLogs,
            new Dictionary<string, string>(environment.Concat(props.Email.WorkerEnvironment)), null, migrates: false));
        // Only the API fleet migrates: a rolling update of the workers waits for the API's, so no new worker
        // runs against a schema its release has not applied yet.
        Workers.Group.Node.AddDependency(Api.Group);
        props.Identity.GrantAdminCreateUsers(Api.Role);
        props.Email.GrantWorker(Workers.Role);

        foreach (var queue in queues.Values)
        {
            // The API's outbox relay publishes; workers consume and may publish follow-up messages.
            queue.Queue.GrantSendMessages(Api.Role);
            queue.Queue.GrantSendMessages(Workers.Role);
            queue.Queue.GrantConsumeMessages(Workers.Role);
        }

        // `BookingAws.Workers ops dlq list|redrive` runs on a worker instance (Session Manager): it reads the
        // dead-letter queues and sends messages back to their source queues.
        var declared = Platform.DeclaredQueues(props.Messaging, props.Email).Values;
        foreach (var queue in declared)
        {
            queue.DeadLetterQueue.GrantConsumeMessages(Workers.Role);
            queue.Queue.GrantSendMessages(Workers.Role);
        }

        var accessLogs = new Bucket(this, "AccessLogs", new BucketProps
        {
            // ALB log delivery supports SSE-S3 only.
            Encryption = BucketEncryption.S3_MANAGED,
            BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
            EnforceSSL = true,
            ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
            LifecycleRules = [new LifecycleRule { Expiration = Duration.Days(stage.LogRetentionDays) }],
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
        Nag.Suppress(accessLogs, "AwsSolutions-S1", "This bucket is the access-log destination; logging it to itself would loop.");
        LogBucket.Acknowledge(accessLogs, "ALB access-log delivery supports SSE-S3 only.");

        LoadBalancer = new ApplicationLoadBalancer(this, "Alb", new ApplicationLoadBalancerProps
        {
            Vpc = props.Vpc,
            InternetFacing = true,
            VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PUBLIC },
            SecurityGroup = props.AlbSecurityGroup,
            DropInvalidHeaderFields = true,
            DeletionProtection = stage.Protect,
        });
        LoadBalancer.LogAccessLogs(accessLogs, "alb");
        if (!stage.Protect)
        {
            Guard.Suppress(LoadBalancer, "elbv2_deletion_protection_enabled_check", "Dev is torn down with cdk destroy; prod enables deletion protection.");
        }

        ApiTargets = new ApplicationTargetGroup(this, "ApiTargets", new ApplicationTargetGroupProps
        {
            Vpc = props.Vpc,
            Port = stage.AppPort,
            Protocol = ApplicationProtocol.HTTP,
            TargetType = TargetType.INSTANCE,
            Targets = [Api.Group],
            DeregistrationDelay = Duration.Seconds(30),
            // SignalR's negotiate and connect requests must reach the same instance.
            StickinessCookieDuration = Duration.Hours(1),
            HealthCheck = new TargetHealthCheck
            {
                Path = "/health/ready",
                HealthyHttpCodes = "200",
                Interval = Duration.Seconds(15),
                Timeout = Duration.Seconds(5),
                HealthyThresholdCount = 2,
                UnhealthyThresholdCount = 3,
            },
        });

        Https = stage.CertificateArn is not null;
        var notFound = ListenerAction.FixedResponse(404, new FixedResponseOptions { ContentType = "text/plain", MessageBody = "Not found" });
        ApplicationListener appListener;
        if (Https)
        {
            appListener = LoadBalancer.AddListener("Https", new BaseApplicationListenerProps
            {
                Port = 443,
                Protocol = ApplicationProtocol.HTTPS,
                Certificates = [ListenerCertificate.FromArn(stage.CertificateArn!)],
                SslPolicy = SslPolicy.RECOMMENDED_TLS,
                Open = false,
                DefaultAction = notFound,
            });
            LoadBalancer.AddListener("Http", new BaseApplicationListenerProps
            {
                Port = 80,
                Protocol = ApplicationProtocol.HTTP,
                Open = false,
                DefaultAction = ListenerAction.Redirect(new RedirectOptions { Protocol = "HTTPS", Port = "443", Permanent = true }),
            });
        }
        else
        {
            // Dev only: prod refuses to synthesize without a certificate.
            appListener = LoadBalancer.AddListener("Http", new BaseApplicationListenerProps
            {
                Port = 80,
                Protocol = ApplicationProtocol.HTTP,
                Open = false,
                DefaultAction = notFound,
            });
            Guard.Suppress(appListener, "alb_http_to_https_redirection_check",
                "Dev without a certificate has no HTTPS listener to redirect to; prod refuses to synthesize without certificateArn.");
        }
        OriginVerifySecret = new Secret(this, "OriginVerify", new SecretProps
        {
            Description = $"Value of the {OriginVerifyHeader} header CloudFront adds; the ALB forwards only requests carrying it",
            GenerateSecretString = new SecretStringGenerator { ExcludePunctuation = true, PasswordLength = 48 },
        });
        Nag.Suppress(OriginVerifySecret, "AwsSolutions-SMG4",
            "Rotating it means updating CloudFront and the ALB rule together: put a new value and redeploy (README, Secrets).");
        appListener.AddAction("Api", new AddApplicationActionProps
        {
            Priority = 10,
            Conditions =
            [
                ListenerCondition.PathPatterns(ApiPaths),
                // Resolved by CloudFormation at deploy time ({{resolve:secretsmanager:…}}); never in the template.
                // Pinned versions make a rotation visible to CloudFormation, and the previous one is accepted
                // until CloudFront (deployed after this stack) sends the new one.
                ListenerCondition.HttpHeader(OriginVerifyHeader,
                    new[] { props.OriginVerifyVersion, props.OriginVerifyPreviousVersion }
                        .Where((v, i) => i == 0 || v is not null)
                        .Select(v => OriginVerifyValue(OriginVerifySecret, v))
                        .Distinct()
                        .ToArray()),
            ],
            Action = ListenerAction.Forward([ApiTargets]),
        });

        var group = Api.Group;
        group.ScaleOnRequestCount("RequestsPerTarget", new RequestCountScalingProps
        {
            TargetRequestsPerMinute = stage.RequestsPerTargetPerMinute,
        });
        group.ScaleOnCpuUtilization("Cpu", new CpuUtilizationScalingProps { TargetUtilizationPercent = 60 });
        // Lower the floor at night and restore it before the morning peak; target tracking still scales up.
        group.ScaleOnSchedule("NightFloor", new BasicScheduledActionProps
        {
            Schedule = Amazon.CDK.AWS.AutoScaling.Schedule.Cron(new CronOptions { Hour = "22", Minute = "0" }),
            MinCapacity = stage.ApiNightMin,
            TimeZone = "UTC",
        });
        group.ScaleOnSchedule("DayFloor", new BasicScheduledActionProps
        {
            Schedule = Amazon.CDK.AWS.AutoScaling.Schedule.Cron(new CronOptions { Hour = "6", Minute = "0" }),
            MinCapacity = stage.ApiMin,
            TimeZone = "UTC",
        });

        ScaleWorkersOnBacklog(stage, declared);

        _ = new CfnOutput(this, "LoadBalancerDnsName", new CfnOutputProps
        {
            Value = LoadBalancer.LoadBalancerDnsName,
            Description = "ALB DNS name: point originDomainName's CNAME here when HTTPS is configured",
        });
    }

    /// <summary>
    /// Target tracking on (visible messages across all queues) / (in-service workers): the AWS-recommended
    /// "backlog per instance" metric, which follows load better than raw queue depth or CPU.
    /// </summary>
    private void ScaleWorkersOnBacklog(StageConfig stage, IEnumerable<QueueWithDeadLetter> queues)
    {
        var metrics = new List<CfnScalingPolicy.TargetTrackingMetricDataQueryProperty>();
        var ids = new List<string>();
        var i = 0;
        foreach (var queue in queues)
        {
            var id = $"q{i++}";
            ids.Add(id);
            metrics.Add(new CfnScalingPolicy.TargetTrackingMetricDataQueryProperty
            {
                Id = id,
                ReturnData = false,
                MetricStat = new CfnScalingPolicy.TargetTrackingMetricStatProperty
                {
                    Stat = "Sum",
                    Metric = new CfnScalingPolicy.MetricProperty
                    {
                        Namespace = "AWS/SQS",
                        MetricName = "ApproximateNumberOfMessagesVisible",
                        Dimensions = new[] { new CfnScalingPolicy.MetricDimensionProperty { Name = "QueueName", Value = queue.Queue.QueueName } },
                    },
                },
            });
        }
        metrics.Add(new CfnScalingPolicy.TargetTrackingMetricDataQueryProperty
        {
            Id = "workers",
            ReturnData = false,
            MetricStat = new CfnScalingPolicy.TargetTrackingMetricStatProperty
            {
                Stat = "Average",
                Metric = new CfnScalingPolicy.MetricProperty
                {
                    Namespace = "AWS/AutoScaling",
                    MetricName = "GroupInServiceInstances",
                    Dimensions = new[] { new CfnScalingPolicy.MetricDimensionProperty { Name = "AutoScalingGroupName", Value = Workers.Group.AutoScalingGroupName } },
                },
            },
        });
        metrics.Add(new CfnScalingPolicy.TargetTrackingMetricDataQueryProperty
        {
            Id = "backlogPerInstance",
            Label = "Messages waiting per worker instance",
            ReturnData = true,
            Expression = $"({string.Join(" + ", ids)}) / workers",
        });
        _ = new CfnScalingPolicy(this, "WorkerBacklogScaling", new CfnScalingPolicyProps
        {
            AutoScalingGroupName = Workers.Group.AutoScalingGroupName,
            PolicyType = "TargetTrackingScaling",
            TargetTrackingConfiguration = new CfnScalingPolicy.TargetTrackingConfigurationProperty
            {
                TargetValue = stage.WorkerBacklogPerInstance,
                CustomizedMetricSpecification = new CfnScalingPolicy.CustomizedMetricSpecificationProperty
                {
                    Metrics = metrics.ToArray(),
                },
            },
        });
    }
}
