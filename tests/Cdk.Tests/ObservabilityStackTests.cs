using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using BookingAws.Cdk.Stacks;

namespace BookingAws.Cdk.Tests;

public sealed class ObservabilityStackTests(ProdPlatform prod, DevPlatform dev) : IClassFixture<ProdPlatform>, IClassFixture<DevPlatform>
{
    [Fact]
    public void Every_alarm_notifies_on_call_and_carries_a_runbook_line()
    {
        var topic = prod.Observability.GetLogicalId(prod.Platform.Observability.OnCall);
        var alarms = PlatformFixture.Resources(prod.Observability, "AWS::CloudWatch::Alarm");
        Assert.NotEmpty(alarms);
        foreach (var alarm in alarms.Values)
        {
            var props = alarm["Properties"]!;
            Assert.Contains("Runbook: ", props["AlarmDescription"]!.ToString(), StringComparison.Ordinal);
            Assert.Equal(topic, props["AlarmActions"]![0]!["Ref"]!.ToString());
            Assert.Equal(topic, props["OKActions"]![0]!["Ref"]!.ToString());
        }
    }

    [Theory]
    [InlineData("HTTPCode_Target_5XX_Count")]
    [InlineData("TargetResponseTime")]
    [InlineData("HealthyHostCount")]
    [InlineData("CPUUtilization")]
    [InlineData("AuroraReplicaLagMaximum")]
    [InlineData("EngineCPUUtilization")]
    [InlineData("ApproximateAgeOfOldestMessage")]
    [InlineData("bookingaws.outbox.backlog")]
    [InlineData("bookingaws.outbox.oldest_age")]
    public void There_is_an_alarm_on_each_user_facing_symptom(string metric)
    {
        var alarms = PlatformFixture.Resources(prod.Observability, "AWS::CloudWatch::Alarm");
        Assert.Contains(alarms.Values, a => a.ToJsonString().Contains(metric, StringComparison.Ordinal));
    }

    [Fact]
    public void Each_dead_letter_queue_has_an_alarm_at_the_first_message()
    {
        var alarms = PlatformFixture.Resources(prod.Observability, "AWS::CloudWatch::Alarm", new Dictionary<string, object>
        {
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["MetricName"] = "ApproximateNumberOfMessagesVisible",
                ["Threshold"] = 0,
                ["ComparisonOperator"] = "GreaterThanThreshold",
            }),
        });
        // One per declared queue: the four the outbox feeds and the email-events queue.
        Assert.Equal(BookingAws.Shared.Messaging.MessageTopology.Queues.Count, alarms.Count);
    }

    [Fact]
    public void Outbox_backlog_reads_the_gauge_the_workers_emit()
    {
        prod.Observability.HasResourceProperties("AWS::CloudWatch::Alarm", new Dictionary<string, object>
        {
            ["Metrics"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
            {
                ["Expression"] = "SELECT MAX(\"bookingaws.outbox.backlog\") FROM \"BookingAws\"",
            })]),
            ["Threshold"] = 1000,
        });
    }

    [Theory]
    [InlineData("RequestCount")]
    [InlineData("HTTPCode_Target_5XX_Count")]
    [InlineData("p99")]
    [InlineData("GroupInServiceInstances")]
    [InlineData("DatabaseConnections")]
    [InlineData("AuroraReplicaLagMaximum")]
    [InlineData("CacheHitRate")]
    [InlineData("Evictions")]
    [InlineData("ApproximateAgeOfOldestMessage")]
    [InlineData("bookingaws.outbox.backlog")]
    [InlineData("bookingaws.outbox.oldest_age")]
    public void Dashboard_charts_the_golden_signals(string metric)
    {
        var dashboard = PlatformFixture.Resources(prod.Observability, "AWS::CloudWatch::Dashboard").Single().Value;
        Assert.Contains(metric, dashboard["Properties"]!["DashboardBody"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void On_call_topic_is_encrypted_and_tls_only()
    {
        prod.Observability.HasResourceProperties("AWS::SNS::Topic", new Dictionary<string, object> { ["KmsMasterKeyId"] = Match.AnyValue() });
        prod.Observability.HasResourceProperties("AWS::SNS::TopicPolicy", new Dictionary<string, object>
        {
            ["PolicyDocument"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Statement"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object> { ["Effect"] = "Deny" })]),
            }),
        });
    }

    /// <summary>The alarm whose logical id starts with <paramref name="prefix"/>, as JSON.</summary>
    private static JsonNode AlarmNamed(PlatformFixture fixture, string prefix) =>
        PlatformFixture.Resources(fixture.Observability, "AWS::CloudWatch::Alarm").Single(a => a.Key.StartsWith(prefix, StringComparison.Ordinal)).Value;

    /// <summary>The MetricStat queries of a math alarm: (metric name, dimensions name=value, statistic).</summary>
    private static List<(string Metric, Dictionary<string, string> Dimensions, string Stat)> Stats(JsonNode alarm) =>
        alarm["Properties"]!["Metrics"]!.AsArray()
            .Where(q => q!["MetricStat"] is not null)
            .Select(q => (
                q!["MetricStat"]!["Metric"]!["MetricName"]!.GetValue<string>(),
                q["MetricStat"]!["Metric"]!["Dimensions"]!.AsArray().ToDictionary(d => d!["Name"]!.GetValue<string>(), d => EmittedMetrics.Flatten(d!["Value"]!)),
                q["MetricStat"]!["Stat"]!.GetValue<string>()))
            .ToList();

    private static string ReturnedExpression(JsonNode alarm) =>
        alarm["Properties"]!["Metrics"]!.AsArray().Single(q => q!["ReturnData"]?.GetValue<bool>() != false)!["Expression"]!.GetValue<string>();

    [Fact]
    public void Prod_alarms_when_any_cache_replica_falls_seconds_behind_whichever_node_is_primary()
    {
        var alarm = AlarmNamed(prod, "CacheReplicationLag");
        var stats = Stats(alarm);
        // All three nodes: after a failover the old primary is a replica.
        Assert.Equal(3, stats.Count);
        Assert.All(stats, s => Assert.Equal(("ReplicationLag", "Maximum"), (s.Metric, s.Stat)));
        Assert.Equal(3, stats.Select(s => s.Dimensions["CacheClusterId"]).Distinct().Count());
        Assert.StartsWith("MAX(", ReturnedExpression(alarm), StringComparison.Ordinal);
        Assert.Equal(2, alarm["Properties"]!["Threshold"]!.GetValue<double>());
        Assert.Contains("RUNBOOK.md#cache-replication-lag", alarm["Properties"]!["AlarmDescription"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dev_has_no_replica_so_no_replication_lag_alarm()
    {
        Assert.DoesNotContain(PlatformFixture.Resources(dev.Observability, "AWS::CloudWatch::Alarm").Keys,
            id => id.StartsWith("CacheReplicationLag", StringComparison.Ordinal));
    }

    [Fact]
    public void A_swapping_cache_node_wakes_on_call_in_both_stages()
    {
        foreach (var fixture in new PlatformFixture[] { prod, dev })
        {
            var alarm = AlarmNamed(fixture, "CacheSwap");
            Assert.All(Stats(alarm), s => Assert.Equal("SwapUsage", s.Metric));
            Assert.Equal(50 * 1024 * 1024, alarm["Properties"]!["Threshold"]!.GetValue<double>());
        }
    }

    [Theory]
    [InlineData("availability", "CacheHitRatioAvailability")]
    [InlineData("catalogue", "CacheHitRatioCatalogue")]
    [InlineData("tenant", "CacheHitRatioTenant")]
    public void Each_api_cache_alarms_when_its_hit_ratio_falls_under_its_floor_with_real_traffic(string cache, string id)
    {
        var alarm = AlarmNamed(prod, id);
        var props = alarm["Properties"]!;
        Assert.Equal(ObservabilityStack.CacheHitRatioFloors[cache], props["Threshold"]!.GetValue<double>());
        Assert.Equal("LessThanThreshold", props["ComparisonOperator"]!.ToString());
        Assert.Equal(3, props["EvaluationPeriods"]!.GetValue<int>());
        Assert.Equal("notBreaching", props["TreatMissingData"]!.ToString());
        Assert.Contains("RUNBOOK.md#cache-hit-ratio", props["AlarmDescription"]!.ToString(), StringComparison.Ordinal);

        // Low volume reads 100, so a quiet night's few cold misses never page anyone.
        var expression = ReturnedExpression(alarm);
        Assert.Matches($@"^IF\(\w+ >= {ObservabilityStack.CacheHitRatioMinLookups}, 100 \* FILL\(\w+, 0\) / \w+, 100\)$", expression);

        // Hits and misses of this cache only, summed over five minutes, from the agent's roll-up to exactly
        // (cache, result): the per-instance series carry more dimensions and would not match.
        var stats = Stats(alarm).Distinct().ToList();
        Assert.Equal(2, stats.Count);
        Assert.All(stats, s =>
        {
            Assert.Equal(ObservabilityStack.AppMetrics.CacheLookups, s.Metric);
            Assert.Equal("Sum", s.Stat);
            Assert.Equal(ObservabilityStack.CacheLookupDimensions.Order(), s.Dimensions.Keys.Order());
            Assert.Equal(cache, s.Dimensions["cache"]);
        });
        Assert.Equal(["hit", "miss"], stats.Select(s => s.Dimensions["result"]).Order());
        Assert.All(props["Metrics"]!.AsArray().Where(q => q!["MetricStat"] is not null),
            q => Assert.Equal(300, q!["MetricStat"]!["Period"]!.GetValue<int>()));
    }

    [Fact]
    public void The_hit_ratio_alarms_read_the_dimensions_the_agent_rolls_the_lookups_up_to()
    {
        var agent = JsonNode.Parse(File.ReadAllText(Path.Combine(Boot.Folder, "cloudwatch-agent.json")))!;
        var rollups = agent["metrics"]!["aggregation_dimensions"]!.AsArray()
            .Select(set => set!.AsArray().Select(d => d!.GetValue<string>()).ToArray())
            .ToList();
        // Only this set: an empty set would publish every metric a second time, dimensionless (and billed).
        var only = Assert.Single(rollups);
        Assert.Equal(ObservabilityStack.CacheLookupDimensions, only);
        Assert.Equal(ObservabilityStack.AppNamespace, agent["metrics"]!["namespace"]!.ToString());
    }

    [Fact]
    public void Dashboard_charts_each_api_cache_hit_ratio_beside_its_lookups()
    {
        var dashboard = PlatformFixture.Resources(prod.Observability, "AWS::CloudWatch::Dashboard").Single().Value;
        var body = JsonNode.Parse(EmittedMetrics.Flatten(dashboard["Properties"]!["DashboardBody"]!))!;
        var widget = body["widgets"]!.AsArray().Single(w => w!["properties"]?["title"]?.ToString() == "App cache hit ratio %")!;
        var text = widget.ToJsonString();
        foreach (var cache in ObservabilityStack.CacheHitRatioFloors.Keys)
        {
            Assert.Contains($"\"{cache} hit %\"", text, StringComparison.Ordinal);
            Assert.Contains($"\"{cache} lookups\"", text, StringComparison.Ordinal);
        }
        Assert.Contains(ObservabilityStack.AppMetrics.CacheLookups, text, StringComparison.Ordinal);
    }
}
