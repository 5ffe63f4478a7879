using Amazon.CDK.Assertions;
using BookingAws.Cdk.Stacks;

namespace BookingAws.Cdk.Tests;

public sealed class DataStackTests(ProdPlatform prod, DevPlatform dev) : IClassFixture<ProdPlatform>, IClassFixture<DevPlatform>
{
    [Fact]
    public void Aurora_runs_postgresql_15_encrypted_with_deletion_protection_in_prod()
    {
        prod.Data.HasResourceProperties("AWS::RDS::DBCluster", new Dictionary<string, object>
        {
            ["Engine"] = "aurora-postgresql",
            ["EngineVersion"] = Match.StringLikeRegexp("^15\\."),
            ["StorageEncrypted"] = true,
            ["DeletionProtection"] = true,
            ["BackupRetentionPeriod"] = 14,
        });
    }

    [Fact]
    public void Prod_has_a_writer_and_two_readers_in_three_different_zones()
    {
        var zones = PlatformFixture.Resources(prod.Data, "AWS::RDS::DBInstance")
            .Select(i => i.Value["Properties"]!["AvailabilityZone"]!.ToString())
            .ToList();
        Assert.Equal(3, zones.Count);
        Assert.Equal(3, zones.Distinct().Count());
    }

    [Fact]
    public void Dev_has_one_reader()
    {
        dev.Data.ResourceCountIs("AWS::RDS::DBInstance", 2);
    }

    [Fact]
    public void No_database_instance_is_public_and_all_have_performance_insights()
    {
        foreach (var instance in PlatformFixture.Resources(prod.Data, "AWS::RDS::DBInstance").Values)
        {
            Assert.False((bool)instance["Properties"]!["PubliclyAccessible"]!);
            Assert.True((bool)instance["Properties"]!["EnablePerformanceInsights"]!);
        }
    }

    [Fact]
    public void Database_credentials_rotate_every_30_days()
    {
        prod.Data.HasResourceProperties("AWS::SecretsManager::RotationSchedule", new Dictionary<string, object>
        {
            ["RotationRules"] = new Dictionary<string, object> { ["ScheduleExpression"] = "rate(30 days)" },
        });
    }

    [Fact]
    public void Prod_keeps_a_snapshot_when_the_cluster_is_deleted()
    {
        prod.Data.HasResource("AWS::RDS::DBCluster", new Dictionary<string, object>
        {
            ["DeletionPolicy"] = "Snapshot",
            ["UpdateReplacePolicy"] = "Snapshot",
        });
    }

    [Fact]
    public void Prod_cache_is_multi_az_with_failover_and_encrypted_with_rbac_users()
    {
        prod.Data.HasResourceProperties("AWS::ElastiCache::ReplicationGroup", new Dictionary<string, object>
        {
            ["MultiAZEnabled"] = true,
            ["AutomaticFailoverEnabled"] = true,
            ["ReplicasPerNodeGroup"] = 2,
            ["TransitEncryptionEnabled"] = true,
            ["AtRestEncryptionEnabled"] = true,
            ["UserGroupIds"] = Match.AnyValue(),
            ["AuthToken"] = Match.Absent(),
        });
    }

    [Fact]
    public void The_apps_sign_in_to_redis_as_their_own_user_and_the_default_user_is_off()
    {
        var users = PlatformFixture.Resources(prod.Data, "AWS::ElastiCache::User").Values.Select(u => u["Properties"]!).ToList();
        Assert.Equal(2, users.Count);
        var defaultUser = users.Single(u => u["UserName"]!.ToString() == "default");
        Assert.StartsWith("off ", defaultUser["AccessString"]!.ToString(), StringComparison.Ordinal);
        var app = users.Single(u => u["UserName"]!.ToString() != "default");
        Assert.StartsWith("on ", app["AccessString"]!.ToString(), StringComparison.Ordinal);
        // The password is resolved from the secret at deploy time, never written into the template.
        var password = app["AuthenticationMode"]!["Passwords"]!.ToJsonString();
        Assert.Contains("resolve:secretsmanager", password, StringComparison.Ordinal);
        Assert.Contains(":SecretString:password:", password, StringComparison.Ordinal);
        var group = PlatformFixture.Resources(prod.Data, "AWS::ElastiCache::UserGroup").Single().Value["Properties"]!;
        Assert.Equal(2, group["UserIds"]!.AsArray().Count);
    }

    [Fact]
    public void The_cache_password_rotates_every_30_days_with_a_function_that_may_change_only_that_user()
    {
        var secret = prod.Data.GetLogicalId(prod.Platform.Data.CacheAuthSecret);
        var schedule = PlatformFixture.Resources(prod.Data, "AWS::SecretsManager::RotationSchedule").Values
            .Single(r => r["Properties"]!["SecretId"]!["Ref"]?.ToString() == secret)["Properties"]!;
        Assert.Equal("rate(30 days)", schedule["RotationRules"]!["ScheduleExpression"]!.ToString());
        var function = schedule["RotationLambdaARN"]!["Fn::GetAtt"]![0]!.ToString();
        Assert.StartsWith("CacheUserRotation", function, StringComparison.Ordinal);
        var policies = PlatformFixture.Resources(prod.Data, "AWS::IAM::Policy").Values
            .Where(p => p["Properties"]!["Roles"]!.ToJsonString().Contains("CacheUserRotation", StringComparison.Ordinal))
            .Select(p => p.ToJsonString())
            .ToList();
        var modify = Assert.Single(policies, p => p.Contains("elasticache:ModifyUser", StringComparison.Ordinal));
        Assert.Contains(":user:bookingaws-prod-app", modify, StringComparison.Ordinal);
        prod.Data.HasResourceProperties("AWS::Lambda::Permission", new Dictionary<string, object>
        {
            ["Principal"] = "secretsmanager.amazonaws.com",
            ["SourceAccount"] = "111111111111",
        });
    }

    [Fact]
    public void Aurora_has_enhanced_monitoring_every_minute()
    {
        prod.Data.HasResourceProperties("AWS::RDS::DBInstance", new Dictionary<string, object>
        {
            ["MonitoringInterval"] = 60,
            ["MonitoringRoleArn"] = Match.AnyValue(),
        });
    }

    [Fact]
    public void The_cache_runs_on_its_own_parameter_group_evicting_least_recently_used_keys_of_any_kind()
    {
        var group = prod.Data.GetLogicalId(prod.Platform.Data.CacheParameters);
        prod.Data.HasResourceProperties("AWS::ElastiCache::ReplicationGroup", new Dictionary<string, object>
        {
            ["CacheParameterGroupName"] = new Dictionary<string, object> { ["Ref"] = group },
            ["EngineVersion"] = Match.StringLikeRegexp("^7\\."),
        });
        prod.Data.HasResourceProperties("AWS::ElastiCache::ParameterGroup", new Dictionary<string, object>
        {
            ["CacheParameterGroupFamily"] = "redis7",
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object> { ["maxmemory-policy"] = "allkeys-lru", ["maxmemory-samples"] = "5" }),
        });
    }

    [Fact]
    public void Prod_keeps_the_default_memory_reserve_and_doubles_the_backplane_buffers()
    {
        prod.Data.HasResourceProperties("AWS::ElastiCache::ParameterGroup", new Dictionary<string, object>
        {
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["reserved-memory-percent"] = "25",
                ["client-output-buffer-limit-pubsub-hard-limit"] = (64L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["client-output-buffer-limit-pubsub-soft-limit"] = (16L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["client-output-buffer-limit-pubsub-soft-seconds"] = "60",
            }),
        });
    }

    [Fact]
    public void Dev_micro_node_reserves_half_its_memory_and_keeps_backplane_buffers_small()
    {
        dev.Data.HasResourceProperties("AWS::ElastiCache::ParameterGroup", new Dictionary<string, object>
        {
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["maxmemory-policy"] = "allkeys-lru",
                ["reserved-memory-percent"] = "50",
                ["client-output-buffer-limit-pubsub-hard-limit"] = (8L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            }),
        });
    }

    [Fact]
    public void Dev_cache_is_a_single_node()
    {
        dev.Data.HasResourceProperties("AWS::ElastiCache::ReplicationGroup", new Dictionary<string, object>
        {
            ["ReplicasPerNodeGroup"] = 0,
            ["MultiAZEnabled"] = false,
        });
    }

    [Fact]
    public void Database_accepts_only_the_api_workers_and_rotation_function()
    {
        var dbGroup = prod.Data.GetLogicalId(prod.Platform.Data.DatabaseSecurityGroup);
        var rules = PlatformFixture.Resources(prod.Data, "AWS::EC2::SecurityGroupIngress", new Dictionary<string, object>
        {
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["GroupId"] = new Dictionary<string, object> { ["Fn::GetAtt"] = new[] { dbGroup, "GroupId" } },
            }),
        });
        Assert.Equal(3, rules.Count);
        Assert.Equal(3, rules.Values.Select(r => r["Properties"]!["SourceSecurityGroupId"]!.ToJsonString()).Distinct().Count());
        Assert.All(rules.Values, r => Assert.Null(r["Properties"]!["CidrIp"]));
    }

    [Fact]
    public void Data_lives_in_isolated_subnets()
    {
        var subnetRefs = PlatformFixture.Resources(prod.Data, "AWS::RDS::DBSubnetGroup").Single().Value["Properties"]!["SubnetIds"]!.ToJsonString();
        Assert.Contains("dataSubnet", subnetRefs, StringComparison.Ordinal);
        Assert.DoesNotContain("appSubnet", subnetRefs, StringComparison.Ordinal);
    }

    [Fact]
    public void Master_secret_rotates_single_user_and_the_app_secret_multi_user_with_hosted_functions_in_the_vpc()
    {
        foreach (var rotationType in new[] { "PostgreSQLSingleUser", "PostgreSQLMultiUser" })
        {
            prod.Data.HasResourceProperties("AWS::SecretsManager::RotationSchedule", new Dictionary<string, object>
            {
                ["HostedRotationLambda"] = Match.ObjectLike(new Dictionary<string, object>
                {
                    ["RotationType"] = rotationType,
                    ["VpcSubnetIds"] = Match.AnyValue(),
                    ["VpcSecurityGroupIds"] = new Dictionary<string, object>
                    {
                        ["Fn::GetAtt"] = new[] { prod.Data.GetLogicalId(prod.Platform.Data.RotationSecurityGroup), "GroupId" },
                    },
                }),
                ["RotationRules"] = new Dictionary<string, object> { ["ScheduleExpression"] = "rate(30 days)" },
            });
        }
        // The third is the cache user's, with a function of its own (no hosted rotation exists for ElastiCache).
        prod.Data.ResourceCountIs("AWS::SecretsManager::RotationSchedule", 3);
        prod.Data.ResourceCountIs("AWS::Serverless::Application", 0);
    }

    [Fact]
    public void The_app_user_rotation_uses_the_master_secret_to_alternate_users()
    {
        var master = PlatformFixture.Resources(prod.Data, "AWS::SecretsManager::SecretTargetAttachment")
            .Single(a => a.Value["Properties"]!["SecretId"]!.ToJsonString().Contains("DatabaseSecret", StringComparison.Ordinal)
                && !a.Value["Properties"]!["SecretId"]!.ToJsonString().Contains("App", StringComparison.Ordinal)).Key;
        prod.Data.HasResourceProperties("AWS::SecretsManager::RotationSchedule", new Dictionary<string, object>
        {
            ["HostedRotationLambda"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["RotationType"] = "PostgreSQLMultiUser",
                ["MasterSecretArn"] = new Dictionary<string, object> { ["Ref"] = master },
            }),
            // bookingaws_app exists only after the first release migrates: no rotation while the stack deploys.
            ["RotateImmediatelyOnUpdate"] = false,
        });
    }

    [Fact]
    public void The_app_connects_as_its_own_user_whose_secret_names_the_master_secret_and_the_cluster()
    {
        var app = Assert.Single(PlatformFixture.Resources(prod.Data, "AWS::SecretsManager::Secret"),
            s => s.Value["Properties"]!["GenerateSecretString"]?["SecretStringTemplate"]?.ToJsonString().Contains(DataStack.AppUsername, StringComparison.Ordinal) == true);
        var template = app.Value["Properties"]!["GenerateSecretString"]!["SecretStringTemplate"]!.ToJsonString();
        Assert.Contains("masterarn", template, StringComparison.Ordinal);
        Assert.Contains(DataStack.DatabaseName, template, StringComparison.Ordinal);
        Assert.Equal("Retain", app.Value["DeletionPolicy"]!.GetValue<string>());
        prod.Data.HasResourceProperties("AWS::SecretsManager::SecretTargetAttachment", new Dictionary<string, object>
        {
            ["SecretId"] = new Dictionary<string, object> { ["Ref"] = app.Key },
            ["TargetType"] = "AWS::RDS::DBCluster",
        });
    }

    [Fact]
    public void Prod_keeps_every_secret_when_the_stack_is_deleted()
    {
        var secrets = PlatformFixture.Resources(prod.Data, "AWS::SecretsManager::Secret");
        // Master, app, cache user, the disabled default cache user, Stripe, link signing.
        Assert.Equal(6, secrets.Count);
        Assert.All(secrets, s => Assert.Equal("Retain", s.Value["DeletionPolicy"]!.GetValue<string>()));
    }
}
