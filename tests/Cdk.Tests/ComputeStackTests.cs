using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using BookingAws.Cdk.Constructs;

namespace BookingAws.Cdk.Tests;

public sealed class ComputeStackTests(ProdPlatform prod, ProdHttpsPlatform https) : IClassFixture<ProdPlatform>, IClassFixture<ProdHttpsPlatform>
{
    [Fact]
    public void Instances_require_imdsv2_and_encrypted_volumes()
    {
        var templates = PlatformFixture.Resources(prod.Compute, "AWS::EC2::LaunchTemplate").Values.ToList();
        Assert.Equal(2, templates.Count);
        foreach (var template in templates)
        {
            var data = template["Properties"]!["LaunchTemplateData"]!;
            Assert.Equal("required", data["MetadataOptions"]!["HttpTokens"]!.ToString());
            Assert.True((bool)data["BlockDeviceMappings"]![0]!["Ebs"]!["Encrypted"]!);
        }
    }

    [Fact]
    public void Instances_run_amazon_linux_2023_on_graviton()
    {
        var parameters = System.Text.Json.JsonSerializer.Serialize(prod.Compute.ToJSON()["Parameters"]);
        Assert.Contains("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64", parameters, StringComparison.Ordinal);
        Assert.All(PlatformFixture.Resources(prod.Compute, "AWS::EC2::LaunchTemplate").Values,
            t => Assert.Matches("^\\w+g\\.", t["Properties"]!["LaunchTemplateData"]!["InstanceType"]!.ToString()));
    }

    [Fact]
    public void Fleets_span_the_private_subnets_of_every_zone_with_rolling_updates()
    {
        var groups = PlatformFixture.Resources(prod.Compute, "AWS::AutoScaling::AutoScalingGroup").Values.ToList();
        Assert.Equal(2, groups.Count);
        foreach (var group in groups)
        {
            Assert.Equal(3, group["Properties"]!["VPCZoneIdentifier"]!.AsArray().Count);
            Assert.Equal(1, (int)group["UpdatePolicy"]!["AutoScalingRollingUpdate"]!["MaxBatchSize"]!);
            Assert.True((bool)group["UpdatePolicy"]!["AutoScalingRollingUpdate"]!["WaitOnResourceSignals"]!);
        }
    }

    [Fact]
    public void Api_scales_on_requests_per_target_and_cpu()
    {
        prod.Compute.HasResourceProperties("AWS::AutoScaling::ScalingPolicy", new Dictionary<string, object>
        {
            ["TargetTrackingConfiguration"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["PredefinedMetricSpecification"] = Match.ObjectLike(new Dictionary<string, object> { ["PredefinedMetricType"] = "ALBRequestCountPerTarget" }),
            }),
        });
        prod.Compute.HasResourceProperties("AWS::AutoScaling::ScalingPolicy", new Dictionary<string, object>
        {
            ["TargetTrackingConfiguration"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["PredefinedMetricSpecification"] = new Dictionary<string, object> { ["PredefinedMetricType"] = "ASGAverageCPUUtilization" },
            }),
        });
    }

    [Fact]
    public void Api_floor_drops_at_night_and_returns_in_the_morning()
    {
        prod.Compute.HasResourceProperties("AWS::AutoScaling::ScheduledAction", new Dictionary<string, object>
        {
            ["Recurrence"] = "0 22 * * *",
            ["MinSize"] = 2,
        });
        prod.Compute.HasResourceProperties("AWS::AutoScaling::ScheduledAction", new Dictionary<string, object>
        {
            ["Recurrence"] = "0 6 * * *",
            ["MinSize"] = 3,
        });
    }

    [Fact]
    public void Workers_scale_on_backlog_per_instance()
    {
        var policy = Assert.Single(PlatformFixture.Resources(prod.Compute, "AWS::AutoScaling::ScalingPolicy", new Dictionary<string, object>
        {
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["TargetTrackingConfiguration"] = Match.ObjectLike(new Dictionary<string, object>
                {
                    ["CustomizedMetricSpecification"] = Match.AnyValue(),
                }),
            }),
        })).Value;
        var metrics = policy["Properties"]!["TargetTrackingConfiguration"]!["CustomizedMetricSpecification"]!["Metrics"]!.AsArray();
        var expression = metrics.Single(m => m!["Expression"] is not null)!["Expression"]!.ToString();
        // Every queue of the topology (booking queues, webhooks and the SES bounce/complaint queue) counts.
        var queues = string.Join(" + ", BookingAws.Shared.Messaging.MessageTopology.Queues.Select((_, i) => $"q{i}"));
        Assert.Equal(6, BookingAws.Shared.Messaging.MessageTopology.Queues.Count);
        Assert.Equal($"({queues}) / workers", expression);
        Assert.Equal(200, (int)policy["Properties"]!["TargetTrackingConfiguration"]!["TargetValue"]!);
    }

    [Fact]
    public void Load_balancer_forwards_only_api_and_hub_paths()
    {
        prod.Compute.HasResourceProperties("AWS::ElasticLoadBalancingV2::ListenerRule", new Dictionary<string, object>
        {
            ["Conditions"] = Match.ArrayWith(
            [
                new Dictionary<string, object>
                {
                    ["Field"] = "path-pattern",
                    ["PathPatternConfig"] = new Dictionary<string, object> { ["Values"] = new[] { "/api/*", "/hubs/*" } },
                },
            ]),
            ["Actions"] = new[] { Match.ObjectLike(new Dictionary<string, object> { ["Type"] = "forward" }) },
        });
        prod.Compute.HasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", new Dictionary<string, object>
        {
            ["DefaultActions"] = new[] { Match.ObjectLike(new Dictionary<string, object> { ["Type"] = "fixed-response" }) },
        });
    }

    [Fact]
    public void Targets_are_health_checked_on_the_ready_endpoint()
    {
        prod.Compute.HasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", new Dictionary<string, object>
        {
            ["HealthCheckPath"] = "/health/ready",
            ["Port"] = 5080,
        });
    }

    [Fact]
    public void With_a_certificate_http_redirects_to_https()
    {
        https.Compute.HasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", new Dictionary<string, object>
        {
            ["Port"] = 443,
            ["Protocol"] = "HTTPS",
            ["Certificates"] = new[] { new Dictionary<string, object> { ["CertificateArn"] = ProdHttpsPlatform.CertificateArn } },
        });
        https.Compute.HasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", new Dictionary<string, object>
        {
            ["Port"] = 80,
            ["DefaultActions"] = new[]
            {
                Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Type"] = "redirect",
                    ["RedirectConfig"] = Match.ObjectLike(new Dictionary<string, object> { ["Protocol"] = "HTTPS", ["Port"] = "443" }),
                }),
            },
        });
    }

    [Fact]
    public void Load_balancer_writes_access_logs()
    {
        prod.Compute.HasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", new Dictionary<string, object>
        {
            ["Scheme"] = "internet-facing",
            ["LoadBalancerAttributes"] = Match.ArrayWith([new Dictionary<string, object> { ["Key"] = "access_logs.s3.enabled", ["Value"] = "true" }]),
        });
    }

    /// <summary>Every IAM policy statement attached to the fleet's role, as JSON text.</summary>
    private string PolicyOf(AppFleet fleet) => string.Join('\n', PlatformFixture.Resources(prod.Compute, "AWS::IAM::Policy").Values
        .Select(p => p.ToJsonString())
        .Where(p => p.Contains(prod.Compute.GetLogicalId((Amazon.CDK.CfnElement)fleet.Role.Node.DefaultChild!), StringComparison.Ordinal)));

    /// <summary>The user data script as text; references (ARNs, hosts) stay as their JSON.</summary>
    private string UserData(AppFleet fleet) => string.Concat(
        PlatformFixture.Resources(prod.Compute, "AWS::EC2::LaunchTemplate")[prod.Compute.GetLogicalId(fleet.LaunchTemplate)]
            ["Properties"]!["LaunchTemplateData"]!["UserData"]!["Fn::Base64"]!["Fn::Join"]![1]!.AsArray()
            .Select(part => part is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : part!.ToJsonString()));

    [Fact]
    public void User_data_downloads_the_boot_asset_runs_boot_sh_and_signals_cloudformation()
    {
        foreach (var fleet in new[] { prod.Platform.Compute.Api, prod.Platform.Compute.Workers })
        {
            var userData = UserData(fleet);
            Assert.Contains($"{fleet.BootAsset.AssetHash}.zip' '/tmp/bookingaws-boot.zip'", userData, StringComparison.Ordinal);
            Assert.Contains("bash /opt/bookingaws/boot/boot.sh", userData, StringComparison.Ordinal);
            Assert.Contains("cfn-signal", userData, StringComparison.Ordinal);
            // The scripts, units and agent config live in the asset, not in the template.
            Assert.DoesNotContain("[Service]", userData, StringComparison.Ordinal);
            Assert.DoesNotContain("amazon-cloudwatch-agent", userData, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_boot_asset_is_the_boot_folder_and_each_role_may_read_only_its_own_objects()
    {
        var api = prod.Platform.Compute.Api;
        Assert.Equal(prod.Platform.Compute.Workers.BootAsset.AssetHash, api.BootAsset.AssetHash);
        var policies = string.Join('\n', PlatformFixture.Resources(prod.Compute, "AWS::IAM::Policy").Values.Select(p => p.ToJsonString()));
        Assert.Contains($"/{api.BootAsset.AssetHash}.zip", policies, StringComparison.Ordinal);
        Assert.DoesNotContain("\"s3:GetObject*\"", policies, StringComparison.Ordinal);
    }

    [Fact]
    public void Api_boot_migrates_then_waits_until_ready_and_workers_do_neither()
    {
        var api = UserData(prod.Platform.Compute.Api);
        Assert.Contains("'api' '--executable' 'BookingAws.Api' '--bundle' 's3://", api, StringComparison.Ordinal);
        Assert.Contains("'--readiness-url' 'http://127.0.0.1:5080/health/ready' '--migrate'", api, StringComparison.Ordinal);
        Assert.Contains("migrationSecretArn", api, StringComparison.Ordinal);

        var workers = UserData(prod.Platform.Compute.Workers);
        Assert.Contains("'workers' '--executable' 'BookingAws.Workers'", workers, StringComparison.Ordinal);
        Assert.DoesNotContain("--migrate", workers, StringComparison.Ordinal);
        Assert.DoesNotContain("--readiness-url", workers, StringComparison.Ordinal);
        Assert.DoesNotContain("migrationSecretArn", workers, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sources_carry_the_stack_values_render_env_reads()
    {
        var api = UserData(prod.Platform.Compute.Api);
        foreach (var key in new[] { "region", "logGroup", "databaseSecretArn", "readerHost", "writerHost", "cacheSecretArn", "cacheHost", "cachePort", "stripeSecretArn", "linkSecretArn", "portalUrlParameter", "plain" })
        {
            Assert.Contains($"\"{key}\":", api, StringComparison.Ordinal);
        }
        Assert.Contains("Sqs__Queues__Notifications", api, StringComparison.Ordinal);
        Assert.Contains("\"AWS_REGION\":\"eu-west-1\"", api, StringComparison.Ordinal);
    }

    [Fact]
    public void Api_trusts_the_stage_user_pool_and_workers_send_through_the_stage_email_identity()
    {
        var api = UserData(prod.Platform.Compute.Api);
        foreach (var key in new[] { "Auth__Authority", "Auth__ClientIds__0", "Auth__ClientIds__1", "Cognito__UserPoolId" })
        {
            Assert.Contains($"\"{key}\":", api, StringComparison.Ordinal);
        }
        Assert.Contains("https://cognito-idp.eu-west-1.", api, StringComparison.Ordinal);
        Assert.DoesNotContain("Ses__FromAddress", api, StringComparison.Ordinal);

        var workers = UserData(prod.Platform.Compute.Workers);
        foreach (var key in new[] { "Ses__FromAddress", "Ses__ConfigurationSetName", "Sqs__Queues__EmailEvents" })
        {
            Assert.Contains($"\"{key}\":", workers, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("Auth__Authority", workers, StringComparison.Ordinal);

        Assert.Contains("cognito-idp:AdminCreateUser", PolicyOf(prod.Platform.Compute.Api), StringComparison.Ordinal);
        Assert.DoesNotContain("cognito-idp:AdminCreateUser", PolicyOf(prod.Platform.Compute.Workers), StringComparison.Ordinal);
        Assert.Contains("ses:SendEmail", PolicyOf(prod.Platform.Compute.Workers), StringComparison.Ordinal);
        Assert.DoesNotContain("ses:SendEmail", PolicyOf(prod.Platform.Compute.Api), StringComparison.Ordinal);
    }

    [Fact]
    public void Workers_roll_out_only_after_the_api_fleet_has_migrated_and_become_ready()
    {
        var workers = PlatformFixture.Resources(prod.Compute, "AWS::AutoScaling::AutoScalingGroup")[prod.Compute.GetLogicalId(prod.Platform.Compute.Workers.Group)];
        var api = prod.Compute.GetLogicalId(prod.Platform.Compute.Api.Group);
        Assert.Contains(workers["DependsOn"]!.AsArray(), d => d!.ToString() == api);
    }

    [Fact]
    public void Workers_may_read_every_dead_letter_queue_for_the_ops_redrive()
    {
        var workers = PolicyOf(prod.Platform.Compute.Workers);
        foreach (var queue in prod.Platform.Messaging.ByConcern.Values.Append(prod.Platform.Email.EventsQueue))
        {
            var dlq = Amazon.CDK.Stack.Of(queue).GetLogicalId((Amazon.CDK.CfnElement)queue.DeadLetterQueue.Node.DefaultChild!);
            Assert.Contains(dlq, workers, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void No_secret_value_is_written_into_user_data()
    {
        // (The ALB rule resolves the origin-verify secret at deploy time; user data must never carry one.)
        var text = string.Join('\n', PlatformFixture.Resources(prod.Compute, "AWS::EC2::LaunchTemplate").Values.Select(t => t.ToJsonString()));
        Assert.DoesNotContain("resolve:secretsmanager", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_test_replace_me", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Wildcard_resources_are_only_used_for_actions_without_resource_level_permissions()
    {
        var allowed = new HashSet<string>
        {
            "cloudwatch:PutMetricData", "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
        };
        foreach (var policy in PlatformFixture.Resources(prod.Compute, "AWS::IAM::Policy").Values)
        {
            foreach (var statement in policy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray())
            {
                if (statement!["Resource"] is JsonValue resource && resource.ToString() == "*")
                {
                    var actions = statement["Action"] is JsonArray list ? list.Select(a => a!.ToString()) : [statement["Action"]!.ToString()];
                    Assert.All(actions, a => Assert.Contains(a, allowed));
                }
            }
        }
    }
}

public sealed class OriginLockTests(ProdPlatform prod) : IClassFixture<ProdPlatform>
{
    [Fact]
    public void The_alb_forwards_to_the_api_only_requests_carrying_the_secret_origin_header_that_cloudfront_adds()
    {
        var rule = PlatformFixture.Resources(prod.Compute, "AWS::ElasticLoadBalancingV2::ListenerRule").Values.Single();
        var conditions = rule["Properties"]!["Conditions"]!.AsArray();
        var header = conditions.Single(c => c!["Field"]!.ToString() == "http-header")!;
        Assert.Equal("X-Origin-Verify", header["HttpHeaderConfig"]!["HttpHeaderName"]!.ToString());
        var expected = header["HttpHeaderConfig"]!["Values"]![0]!.ToJsonString();
        Assert.Contains("resolve:secretsmanager:", expected);

        var distribution = PlatformFixture.Resources(prod.Edge, "AWS::CloudFront::Distribution").Values.Single();
        var origin = distribution["Properties"]!["DistributionConfig"]!["Origins"]!.AsArray()
            .Single(o => o!["CustomOriginConfig"] is not null)!;
        var sent = origin["OriginCustomHeaders"]!.AsArray().Single(h => h!["HeaderName"]!.ToString() == "X-Origin-Verify")!;
        Assert.Contains("resolve:secretsmanager:", sent["HeaderValue"]!.ToJsonString());
    }
}

public sealed class BookingLinkTests(ProdPlatform prod) : IClassFixture<ProdPlatform>
{
    [Fact]
    public void The_apps_get_the_link_key_from_secrets_manager_and_the_portal_url_the_edge_stack_publishes()
    {
        var parameter = PlatformFixture.Resources(prod.Edge, "AWS::SSM::Parameter").Values.Single();
        Assert.Equal("/bookingaws/prod/portal-url", parameter["Properties"]!["Name"]!.ToString());

        var policies = string.Join('\n', PlatformFixture.Resources(prod.Compute, "AWS::IAM::Policy").Values.Select(p => p.ToJsonString()));
        Assert.Contains("parameter/bookingaws/prod/portal-url", policies, StringComparison.Ordinal);
        var api = prod.Compute.GetLogicalId(prod.Platform.Compute.Api.LaunchTemplate);
        var userData = PlatformFixture.Resources(prod.Compute, "AWS::EC2::LaunchTemplate")[api]["Properties"]!["LaunchTemplateData"]!["UserData"]!.ToJsonString();
        // render-env turns the ARN into Links__SigningKey (BootRenderEnvTests).
        Assert.Contains("linkSecretArn", userData, StringComparison.Ordinal);
        Assert.Contains("LinkSigningKey", string.Join('\n', PlatformFixture.Resources(prod.Data, "AWS::SecretsManager::Secret").Keys), StringComparison.Ordinal);
    }
}

/// <summary>Prod during an origin-verify rotation: new version v2, previous v1.</summary>
public sealed class ProdPlatformRotatingOriginVerify() : PlatformFixture("prod", new Dictionary<string, string>
{
    ["originVerifyVersion"] = "v2-version-id",
    ["originVerifyPreviousVersion"] = "v1-version-id",
});

public sealed class OriginVerifyRotationTests(ProdPlatformRotatingOriginVerify rotating) : IClassFixture<ProdPlatformRotatingOriginVerify>
{
    [Fact]
    public void During_a_rotation_the_alb_accepts_both_versions_and_cloudfront_sends_the_new_one()
    {
        var rule = PlatformFixture.Resources(rotating.Compute, "AWS::ElasticLoadBalancingV2::ListenerRule").Values.Single();
        var header = rule["Properties"]!["Conditions"]!.AsArray().Single(c => c!["Field"]!.ToString() == "http-header")!;
        var accepted = header["HttpHeaderConfig"]!["Values"]!.AsArray().Select(v => v!.ToJsonString()).ToList();
        Assert.Equal(2, accepted.Count);
        Assert.Contains(accepted, v => v.Contains("::v2-version-id}}", StringComparison.Ordinal));
        Assert.Contains(accepted, v => v.Contains("::v1-version-id}}", StringComparison.Ordinal));

        var distribution = PlatformFixture.Resources(rotating.Edge, "AWS::CloudFront::Distribution").Values.Single();
        var sent = distribution["Properties"]!["DistributionConfig"]!["Origins"]!.AsArray()
            .SelectMany(o => o!["OriginCustomHeaders"]?.AsArray() ?? [])
            .Single(h => h!["HeaderName"]!.ToString() == "X-Origin-Verify")!["HeaderValue"]!.ToJsonString();
        Assert.Contains("::v2-version-id}}", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("v1-version-id", sent, StringComparison.Ordinal);
    }
}

/// <summary>Two fleets side by side in a bare stack: the master secret goes only to the one that migrates.</summary>
public sealed class AppFleetMigrationSecretTests
{
    [Fact]
    public void Only_the_fleet_that_migrates_may_read_the_migration_secret()
    {
        var app = new Amazon.CDK.App();
        var stack = new Amazon.CDK.Stack(app, "Fleets");
        var vpc = new Amazon.CDK.AWS.EC2.Vpc(stack, "Vpc");
        var master = new Amazon.CDK.AWS.SecretsManager.Secret(stack, "Master");
        var appSecret = new Amazon.CDK.AWS.SecretsManager.Secret(stack, "AppUser");
        var other = new Amazon.CDK.AWS.SecretsManager.Secret(stack, "Other");
        var logs = new Amazon.CDK.AWS.Logs.LogGroup(stack, "Logs");
        var group = new Amazon.CDK.AWS.EC2.SecurityGroup(stack, "Group", new Amazon.CDK.AWS.EC2.SecurityGroupProps { Vpc = vpc });
        AppFleetProps Fleet(string name, Amazon.CDK.AWS.SecretsManager.ISecret? migration) => new()
        {
            ServiceName = name,
            Executable = "App",
            BundlePath = Path.Combine(AppContext.BaseDirectory, "assets", "placeholder", name),
            Vpc = vpc,
            SecurityGroup = group,
            InstanceType = "t4g.small",
            MinCapacity = 1,
            MaxCapacity = 2,
            LogGroup = logs,
            Environment = new Dictionary<string, string>(),
            DatabaseSecret = appSecret,
            MigrationDatabaseSecret = migration,
            DatabaseReaderHost = "reader",
            CacheAuthSecret = other,
            CacheHost = "cache",
            CachePort = 6380,
            StripeSecret = other,
            LinkSigningSecret = other,
            PortalUrlParameter = "/bookingaws/test/portal-url",
        };
        var api = new AppFleet(stack, "Api", Fleet("api", master));
        var workers = new AppFleet(stack, "Workers", Fleet("workers", null));

        var template = Template.FromStack(stack);
        string PolicyOf(AppFleet fleet) => string.Join('\n', PlatformFixture.Resources(template, "AWS::IAM::Policy").Values
            .Where(p => p["Properties"]!["Roles"]!.ToJsonString().Contains(stack.GetLogicalId((Amazon.CDK.CfnElement)fleet.Role.Node.DefaultChild!), StringComparison.Ordinal))
            .Select(p => p.ToJsonString()));
        var masterId = stack.GetLogicalId((Amazon.CDK.CfnElement)master.Node.DefaultChild!);
        var appId = stack.GetLogicalId((Amazon.CDK.CfnElement)appSecret.Node.DefaultChild!);
        Assert.Contains(masterId, PolicyOf(api), StringComparison.Ordinal);
        Assert.DoesNotContain(masterId, PolicyOf(workers), StringComparison.Ordinal);
        Assert.Contains(appId, PolicyOf(api), StringComparison.Ordinal);
        Assert.Contains(appId, PolicyOf(workers), StringComparison.Ordinal);
    }
}
