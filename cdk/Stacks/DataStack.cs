using System.Globalization;
using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ElastiCache;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.RDS;
using Amazon.CDK.AWS.SecretsManager;
using Constructs;

namespace BookingAws.Cdk.Stacks;

public sealed class DataStackProps : StackProps
{
    public required StageConfig Stage { get; init; }
    public required IVpc Vpc { get; init; }
    public required ISecurityGroup ApiSecurityGroup { get; init; }
    public required ISecurityGroup WorkerSecurityGroup { get; init; }
    public required ISecurityGroup EndpointSecurityGroup { get; init; }
}

/// <summary>Aurora PostgreSQL (writer + readers), Redis replication group and the application secrets.</summary>
public sealed class DataStack : Stack
{
    public const string DatabaseName = "bookingaws";
    // Not 6379: a non-default port costs nothing and keeps generic Redis scanners off (cdk-nag AEC5).
    public const int CachePort = 6380;

    public DatabaseCluster Database { get; }
    public SecurityGroup DatabaseSecurityGroup { get; }
    public SecurityGroup CacheSecurityGroup { get; }
    public SecurityGroup RotationSecurityGroup { get; }

    /// <summary>
    /// Generated master credentials (JSON: host, port, username, password, dbname), rotated single-user.
    /// Only the migration step uses them; the app's own connections use <see cref="AppDatabaseSecret"/>.
    /// </summary>
    public ISecret DatabaseSecret { get; }

    /// <summary>The app's least-privileged login (same JSON shape, plus <c>masterarn</c>), rotated multi-user.</summary>
    public ISecret AppDatabaseSecret { get; }

    /// <summary>The application role; multi-user rotation alternates it with <c>bookingaws_app_clone</c>.</summary>
    public const string AppUsername = "bookingaws_app";

    /// <summary>
    /// The transform version whose rotation functions AWS upgrades (runtime and dependencies) on every stack
    /// update; with it the HostedRotationLambda must not pin a Runtime. The 2020-07-23 version that CDK 2.160
    /// writes deploys Python 3.10 unless a Runtime is pinned to binaries it does not ship.
    /// </summary>
    public const string SecretsManagerTransform = "AWS::SecretsManager-2024-09-16";

    public CfnReplicationGroup Cache { get; }

    /// <summary>The cache's engine settings (eviction, reserve, backplane buffers).</summary>
    public CfnParameterGroup CacheParameters { get; }
    /// <summary>The apps' ElastiCache RBAC user (JSON: username, password).</summary>
    public ISecret CacheAuthSecret { get; }

    /// <summary>Operator-set Stripe keys (JSON: ApiKey, WebhookSecret).</summary>
    public ISecret StripeSecret { get; }

    /// <summary>Signs the "manage your booking" links in customer emails (generated).</summary>
    public ISecret LinkSigningSecret { get; }

    /// <summary>Host name of Redis' primary endpoint.</summary>
    public string CacheEndpoint => Cache.AttrPrimaryEndPointAddress;

    public DataStack(Construct scope, string id, DataStackProps props) : base(scope, id, props)
    {
        var stage = props.Stage;
        var keep = stage.Protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
        var key = new Key(this, "DataKey", new KeyProps
        {
            Description = "Encrypts the BookingAws database, cache and Performance Insights data at rest",
            EnableKeyRotation = true,
            RemovalPolicy = keep,
        });

        DatabaseSecurityGroup = Group(props.Vpc, "Database", "Aurora PostgreSQL", allowAllOutbound: false);
        CacheSecurityGroup = Group(props.Vpc, "Cache", "ElastiCache Redis", allowAllOutbound: false);
        RotationSecurityGroup = Group(props.Vpc, "Rotation", "Secrets Manager rotation function", allowAllOutbound: true);
        var postgres = Port.Tcp(5432);
        DatabaseSecurityGroup.AddIngressRule(props.ApiSecurityGroup, postgres, "API to Aurora");
        DatabaseSecurityGroup.AddIngressRule(props.WorkerSecurityGroup, postgres, "Workers to Aurora");
        // The rotation functions' own rule to the cluster is added with the rotation schedules below.
        var redis = Port.Tcp(CachePort);
        CacheSecurityGroup.AddIngressRule(props.ApiSecurityGroup, redis, "API to Redis");
        CacheSecurityGroup.AddIngressRule(props.WorkerSecurityGroup, redis, "Workers to Redis");
        // remoteRule: the rule is created in this stack, so the network stack never depends on this one.
        props.EndpointSecurityGroup.AddIngressRule(RotationSecurityGroup, Port.Tcp(443), "Rotation function to Secrets Manager", remoteRule: true);

        var isolated = new SubnetSelection { SubnetType = SubnetType.PRIVATE_ISOLATED };
        var instanceType = new Amazon.CDK.AWS.EC2.InstanceType(stage.DbInstanceType);
        var readers = Enumerable.Range(1, stage.DbReaders)
            .Select(i => ClusterInstance.Provisioned($"Reader{i}", new ProvisionedClusterInstanceProps
            {
                InstanceType = instanceType,
                EnablePerformanceInsights = true,
                PerformanceInsightEncryptionKey = key,
                // Tier 1: a reader is promoted before any later-added instance on writer failure.
                PromotionTier = 1,
            }))
            .ToArray();

        Database = new DatabaseCluster(this, "Database", new DatabaseClusterProps
        {
            Engine = DatabaseClusterEngine.AuroraPostgres(new AuroraPostgresClusterEngineProps
            {
                Version = AuroraPostgresEngineVersion.VER_15_7,
            }),
            // Secrets use Secrets Manager's own key: a customer key would need the compute roles in its key
            // policy, which makes this stack depend on the compute stack.
            Credentials = Credentials.FromGeneratedSecret("bookingaws"),
            DefaultDatabaseName = DatabaseName,
            Writer = ClusterInstance.Provisioned("Writer", new ProvisionedClusterInstanceProps
            {
                InstanceType = instanceType,
                EnablePerformanceInsights = true,
                PerformanceInsightEncryptionKey = key,
            }),
            Readers = readers,
            Vpc = props.Vpc,
            VpcSubnets = isolated,
            SecurityGroups = [DatabaseSecurityGroup],
            Port = 5432,
            StorageEncrypted = true,
            StorageEncryptionKey = key,
            IamAuthentication = true,
            Backup = new BackupProps { Retention = Duration.Days(stage.DbBackupDays), PreferredWindow = "02:00-03:00" },
            PreferredMaintenanceWindow = "sun:03:30-sun:04:30",
            // Enhanced monitoring: per-process CPU and memory, which CloudWatch's instance metrics do not show.
            MonitoringInterval = Duration.Seconds(60),
            CloudwatchLogsExports = ["postgresql"],
            CloudwatchLogsRetention = NetworkStack.Retention(stage.LogRetentionDays),
            DeletionProtection = stage.Protect,
            RemovalPolicy = stage.Protect ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
            Parameters = new Dictionary<string, string>
            {
                // Log slow statements so lock-outs like the old analytics scans show up.
                ["log_min_duration_statement"] = "500",
                ["rds.force_ssl"] = "1",
            },
        });
        SpreadInstancesAcrossZones(props.Vpc);
        Nag.Suppress(Database, "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]",
            "The enhanced-monitoring role RDS assumes; AWS maintains its policy (write to the RDSOSMetrics log group only).");
        if (!stage.Protect)
        {
            Nag.Suppress(Database, "AwsSolutions-RDS10", "Dev is a disposable copy that is torn down with cdk destroy; prod has deletion protection.");
            Guard.Suppress(Database, "rds_cluster_deletion_protection_enabled_check", "Dev is a disposable copy that is torn down with cdk destroy; prod has deletion protection.");
        }
        DatabaseSecret = Database.Secret!;
        // Keep the master credentials with the snapshot the cluster leaves behind in prod.
        (Database.Node.TryFindChild("Secret") as IResource)?.ApplyRemovalPolicy(keep);

        // Hosted rotation: the AWS::SecretsManager transform builds and keeps the rotation functions current
        // (the Serverless Application Repository app behind AddRotationSingleUser pins Python 3.9).
        var rotationSubnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS };
        Database.Connections.AllowDefaultPortFrom(RotationSecurityGroup, "Rotation functions to Aurora");
        _ = new RotationSchedule(this, "MasterRotation", new RotationScheduleProps
        {
            Secret = DatabaseSecret,
            HostedRotation = HostedRotation.PostgreSqlSingleUser(new SingleUserHostedRotationOptions
            {
                Vpc = props.Vpc,
                VpcSubnets = rotationSubnets,
                SecurityGroups = [RotationSecurityGroup],
            }),
            AutomaticallyAfter = Duration.Days(30),
        });

        // The app connects as its own role, never as the master user. Alternating users (multi-user rotation)
        // keep the previous password valid while the new one spreads, so a rotation never breaks a live pool.
        // The role itself is created by the API's migrate step from this secret's username and password.
        var appSecret = new DatabaseSecret(this, "AppDatabaseSecret", new DatabaseSecretProps
        {
            Username = AppUsername,
            Dbname = DatabaseName,
            MasterSecret = DatabaseSecret,
        });
        appSecret.ApplyRemovalPolicy(keep);
        AppDatabaseSecret = appSecret.Attach(Database);
        _ = new RotationSchedule(this, "AppRotation", new RotationScheduleProps
        {
            Secret = AppDatabaseSecret,
            HostedRotation = HostedRotation.PostgreSqlMultiUser(new MultiUserHostedRotationOptions
            {
                MasterSecret = DatabaseSecret,
                Vpc = props.Vpc,
                VpcSubnets = rotationSubnets,
                SecurityGroups = [RotationSecurityGroup],
            }),
            AutomaticallyAfter = Duration.Days(30),
            // The multi-user rotation signs in as bookingaws_app, which the first release's migrate creates: a
            // rotation during this stack's deploy would fail and leave a pending clone version behind.
            RotateImmediatelyOnUpdate = false,
        });
        UseCurrentSecretsManagerTransform();

        // ElastiCache RBAC: the apps sign in as their own user (not a shared AUTH token), and a user may hold two
        // passwords, so its password rotates without downtime (RUNBOOK.md#cache-user-rotation).
        var cacheUser = $"bookingaws-{stage.Name}-app";
        CacheAuthSecret = new Secret(this, "CacheAuthToken", new SecretProps
        {
            Description = "ElastiCache RBAC user and password the BookingAws apps sign in to Redis with",
            RemovalPolicy = keep,
            GenerateSecretString = new SecretStringGenerator
            {
                SecretStringTemplate = $$"""{"username":"{{cacheUser}}"}""",
                GenerateStringKey = "password",
                // ElastiCache passwords allow 16-128 printable characters except @, " and /.
                ExcludePunctuation = true,
                PasswordLength = 64,
            },
        });
        // Every user group must hold a user named "default"; this one can do nothing, so a client without
        // credentials gets nothing.
        var disabledDefault = new Secret(this, "CacheDefaultUserPassword", new SecretProps
        {
            Description = "Password of the disabled default ElastiCache user (never used)",
            RemovalPolicy = keep,
            GenerateSecretString = new SecretStringGenerator { ExcludePunctuation = true, PasswordLength = 64 },
        });
        Nag.Suppress(disabledDefault, "AwsSolutions-SMG4", "The default user is switched off (access string 'off'); its password is never used.");
        var defaultUser = new CfnUser(this, "CacheDefaultUser", new CfnUserProps
        {
            Engine = "redis",
            UserId = $"bookingaws-{stage.Name}-default",
            UserName = "default",
            AccessString = "off -@all",
            AuthenticationMode = new Dictionary<string, object> { ["Type"] = "password", ["Passwords"] = new[] { disabledDefault.SecretValue.UnsafeUnwrap() } },
        });
        var appUser = new CfnUser(this, "CacheAppUser", new CfnUserProps
        {
            Engine = "redis",
            UserId = cacheUser,
            UserName = cacheUser,
            // Keys and pub/sub channels (SignalR backplane) of the whole cache; StackExchange.Redis's handshake uses
            // INFO, CLIENT and CONFIG, so command categories are not narrowed below @all.
            AccessString = "on ~* &* +@all",
            AuthenticationMode = new Dictionary<string, object>
            {
                ["Type"] = "password",
                ["Passwords"] = new[] { CacheAuthSecret.SecretValueFromJson("password").UnsafeUnwrap() },
            },
        });
        RotateCacheUser(cacheUser);
        var cacheUsers = new CfnUserGroup(this, "CacheUsers", new CfnUserGroupProps
        {
            Engine = "redis",
            UserGroupId = $"bookingaws-{stage.Name}",
            UserIds = [defaultUser.UserId, appUser.UserId],
        });
        cacheUsers.AddDependency(defaultUser);
        cacheUsers.AddDependency(appUser);

        StripeSecret = new Secret(this, "StripeKeys", new SecretProps
        {
            Description = "Stripe API key and webhook signing secret for BookingAws (set by the operator)",
            RemovalPolicy = keep,
            GenerateSecretString = new SecretStringGenerator
            {
                // Placeholders the operator overwrites with put-secret-value after the first deploy.
                SecretStringTemplate = "{\"ApiKey\":\"sk_test_replace_me\",\"WebhookSecret\":\"whsec_replace_me\"}",
                GenerateStringKey = "Placeholder",
                ExcludePunctuation = true,
            },
        });
        Nag.Suppress(StripeSecret, "AwsSolutions-SMG4",
            "Stripe keys are issued by Stripe's dashboard; they are rolled there and stored with put-secret-value, not by a Lambda.");

        LinkSigningSecret = new Secret(this, "LinkSigningKey", new SecretProps
        {
            Description = "Key that signs the manage-your-booking links in BookingAws customer emails",
            RemovalPolicy = keep,
            GenerateSecretString = new SecretStringGenerator { ExcludePunctuation = true, PasswordLength = 64 },
        });
        Nag.Suppress(LinkSigningSecret, "AwsSolutions-SMG4",
            "Rotating it invalidates every link already emailed; rotate deliberately with put-secret-value (README, Secrets).");

        var subnets = new CfnSubnetGroup(this, "CacheSubnets", new CfnSubnetGroupProps
        {
            Description = "Isolated subnets for BookingAws Redis",
            SubnetIds = props.Vpc.SelectSubnets(isolated).SubnetIds,
        });
        CacheParameters = new CfnParameterGroup(this, "CacheParameters", new CfnParameterGroupProps
        {
            CacheParameterGroupFamily = "redis7",
            Description = "BookingAws cache, SignalR backplane and rate limits",
            Properties = CacheSettings(stage),
        });
        var multiAz = stage.CacheReplicas > 0;
        Cache = new CfnReplicationGroup(this, "Cache", new CfnReplicationGroupProps
        {
            ReplicationGroupDescription = "BookingAws cache, SignalR backplane and rate limits",
            Engine = "redis",
            EngineVersion = "7.1",
            CacheNodeType = stage.CacheNodeType,
            CacheParameterGroupName = CacheParameters.Ref,
            NumNodeGroups = 1,
            ReplicasPerNodeGroup = stage.CacheReplicas,
            AutomaticFailoverEnabled = multiAz,
            MultiAzEnabled = multiAz,
            CacheSubnetGroupName = subnets.Ref,
            SecurityGroupIds = [CacheSecurityGroup.SecurityGroupId],
            Port = CachePort,
            TransitEncryptionEnabled = true,
            AtRestEncryptionEnabled = true,
            KmsKeyId = key.KeyId,
            UserGroupIds = [cacheUsers.UserGroupId],
            SnapshotRetentionLimit = stage.CacheSnapshotDays,
            SnapshotWindow = "01:00-02:00",
            PreferredMaintenanceWindow = "sun:04:30-sun:05:30",
            AutoMinorVersionUpgrade = true,
        });
        Cache.AddDependency(cacheUsers);
        Nag.Suppress(Cache, "AwsSolutions-AEC6",
            "Clients authenticate as ElastiCache RBAC users (UserGroupIds), which replace the AUTH token; the rule only recognises AuthToken.");
        Cache.ApplyRemovalPolicy(stage.Protect ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY);
        if (!multiAz)
        {
            Guard.Suppress(Cache, "elasticache_repl_grp_auto_failover_enabled_check",
                "Dev runs a single cache node to stay cheap; prod has replicas with automatic failover.");
            Nag.Suppress(Cache, "AwsSolutions-AEC4",
                "Dev runs a single cache node to stay cheap; prod has replicas with Multi-AZ failover.");
        }
    }

    /// <summary>
    /// Engine settings of the one Redis that holds the read cache, the SignalR backplane, the rate-limit windows
    /// and the read-your-writes markers (README, "Cache sizing").
    /// </summary>
    public static Dictionary<string, string> CacheSettings(StageConfig stage) => new()
    {
        // Every key the apps write carries a TTL (cache entries, rate-limit windows, read-your-writes markers), so
        // volatile-lru would pick among the same keys and protect nothing; it would only turn a key written without
        // a TTL into OOM errors on every write once memory fills (the rate limiter then fails open). allkeys-lru
        // always makes room, and LRU keeps what was just touched: a live window or marker outlives a cold month
        // of availability. What must never be evicted does not belong in this Redis.
        ["maxmemory-policy"] = "allkeys-lru",
        // ElastiCache samples 3 keys per eviction; Redis's own 5 picks the least recently used far more reliably,
        // which is what keeps a live window from being evicted, for a little CPU only while evicting.
        ["maxmemory-samples"] = "5",
        ["reserved-memory-percent"] = stage.CacheReservedMemoryPercent.ToString(CultureInfo.InvariantCulture),
        ["client-output-buffer-limit-pubsub-hard-limit"] = Bytes(stage.CachePubSubHardLimitMiB),
        ["client-output-buffer-limit-pubsub-soft-limit"] = Bytes(stage.CachePubSubSoftLimitMiB),
        ["client-output-buffer-limit-pubsub-soft-seconds"] = stage.CachePubSubSoftSeconds.ToString(CultureInfo.InvariantCulture),
    };

    private static string Bytes(int mebibytes) => (mebibytes * 1024L * 1024L).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Rotates the apps' cache password every 30 days (cdk/assets/cache-user-rotation: the user keeps the previous
    /// password beside the new one, so instances re-reading the secret hourly never lose their connection).
    /// AWS has no hosted rotation for ElastiCache users, hence a function of our own.
    /// </summary>
    private void RotateCacheUser(string userId)
    {
        var rotation = new Amazon.CDK.AWS.Lambda.Function(this, "CacheUserRotation", new Amazon.CDK.AWS.Lambda.FunctionProps
        {
            Runtime = Amazon.CDK.AWS.Lambda.Runtime.PYTHON_3_12,
            Handler = "index.handler",
            Code = Amazon.CDK.AWS.Lambda.Code.FromAsset(Path.Combine(AppContext.BaseDirectory, "assets", "cache-user-rotation")),
            Timeout = Duration.Seconds(30),
            Description = "Rotates the password of the BookingAws apps' ElastiCache user",
            Environment = new Dictionary<string, string> { ["USER_ID"] = userId },
        });
        rotation.AddToRolePolicy(new Amazon.CDK.AWS.IAM.PolicyStatement(new Amazon.CDK.AWS.IAM.PolicyStatementProps
        {
            Actions = ["elasticache:ModifyUser"],
            Resources = [FormatArn(new ArnComponents { Service = "elasticache", Resource = "user", ResourceName = userId, ArnFormat = ArnFormat.COLON_RESOURCE_NAME })],
        }));
        rotation.AddToRolePolicy(new Amazon.CDK.AWS.IAM.PolicyStatement(new Amazon.CDK.AWS.IAM.PolicyStatementProps
        {
            Actions = ["secretsmanager:GetRandomPassword"],
            Resources = ["*"],
        }));
        _ = new RotationSchedule(this, "CacheUserRotationSchedule", new RotationScheduleProps
        {
            Secret = CacheAuthSecret,
            RotationLambda = rotation,
            AutomaticallyAfter = Duration.Days(30),
            RotateImmediatelyOnUpdate = false,
        });
        // Only Secrets Manager acting for this account may invoke it (CDK's grant names the service alone).
        foreach (var permission in rotation.Node.FindAll().OfType<Amazon.CDK.AWS.Lambda.CfnPermission>())
        {
            permission.SourceAccount = Account;
        }
        Nag.Suppress(rotation, "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
            "The basic execution policy only lets the rotation function write its own logs.");
        Nag.Suppress(rotation, "AwsSolutions-IAM5[Resource::*]", "secretsmanager:GetRandomPassword takes no resource.");
        Nag.Suppress(rotation, "AwsSolutions-L1",
            "python3.12 is supported by Lambda until 2028-10 (the SupportedLambdaRuntimes window); the function uses only boto3.");
        Guard.Suppress(rotation, "lambda_inside_vpc_check",
            "It calls only the Secrets Manager and ElastiCache APIs (ModifyUser is a control-plane call), never the cache itself.");
    }

    private void UseCurrentSecretsManagerTransform()
    {
        var transforms = TemplateOptions.Transforms ?? [];
        TemplateOptions.Transforms = transforms
            .Where(t => !t.StartsWith("AWS::SecretsManager-", StringComparison.Ordinal))
            .Append(SecretsManagerTransform)
            .ToArray();
    }

    private SecurityGroup Group(IVpc vpc, string id, string description, bool allowAllOutbound) =>
        new(this, id + "SecurityGroup", new SecurityGroupProps
        {
            Vpc = vpc,
            Description = description,
            AllowAllOutbound = allowAllOutbound,
        });

    /// <summary>Pins the writer and each reader to different zones so one zone's loss leaves a reader or writer.</summary>
    private void SpreadInstancesAcrossZones(IVpc vpc)
    {
        var zones = vpc.AvailabilityZones;
        var instances = Database.Node.Children.OfType<Construct>()
            .Select(c => c.Node.DefaultChild)
            .OfType<CfnDBInstance>()
            .ToList();
        for (var i = 0; i < instances.Count; i++)
        {
            instances[i].AvailabilityZone = zones[i % zones.Length];
        }
    }
}
