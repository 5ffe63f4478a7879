using Amazon.CDK.Assertions;

namespace BookingAws.Cdk.Tests;

public sealed class ObservabilityStackTests(ProdPlatform prod) : IClassFixture<ProdPlatform>
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
}
