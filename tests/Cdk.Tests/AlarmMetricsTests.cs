using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BookingAws.Cdk.Stacks;
using BookingAws.Shared.Messaging;

namespace BookingAws.Cdk.Tests;

/// <summary>Alarms and dashboards read only metrics that something emits, and each alarm leads to a runbook section.</summary>
public sealed partial class AlarmMetricsTests(ProdPlatform prod, DevPlatform dev) : IClassFixture<ProdPlatform>, IClassFixture<DevPlatform>
{
    private static List<JsonNode> Json(PlatformFixture fixture) =>
        fixture.Templates.Values.Select(t => JsonSerializer.SerializeToNode(t.ToJSON())!).ToList();

    public static TheoryData<string> Stages => new() { "prod", "dev" };

    private PlatformFixture Stage(string name) => name == "prod" ? prod : dev;

    [Theory]
    [MemberData(nameof(Stages))]
    public void Every_metric_an_alarm_or_the_dashboard_reads_is_emitted(string stage)
    {
        var templates = Json(Stage(stage));
        var referenced = EmittedMetrics.Referenced(templates);
        var logMetrics = EmittedMetrics.LogMetrics(templates).Select(l => (l.Namespace, l.Metric));

        Assert.True(referenced.Count > 40, $"only {referenced.Count} metric references found; the reader lost some");
        Assert.Contains((ObservabilityStack.AppNamespace, "bookingaws.outbox.backlog"), referenced);
        var unemitted = EmittedMetrics.Unemitted(referenced, logMetrics);
        Assert.True(unemitted.Count == 0, "Nothing emits: " + string.Join(", ", unemitted));
    }

    [Fact]
    public void The_check_refuses_a_metric_the_apps_do_not_emit()
    {
        // The name the old OutboxBacklog alarm watched: the workers emit bookingaws.outbox.backlog instead.
        var unemitted = EmittedMetrics.Unemitted([("BookingAws", "OutboxBacklog"), ("BookingAws", "bookingaws.outbox.backlog"), ("AWS/SQS", "ApproximateAgeOfOldestMessage")], []);
        Assert.Equal(["BookingAws/OutboxBacklog"], unemitted);
    }

    [Fact]
    public void The_source_scan_finds_the_apps_instruments()
    {
        Assert.Contains("bookingaws.outbox.backlog", EmittedMetrics.AppInstruments);
        Assert.Contains("bookingaws.payments.anomalies", EmittedMetrics.AppInstruments);
        Assert.Contains("bookingaws.ratelimit.fail_open", EmittedMetrics.AppInstruments);
        Assert.Contains("bookingaws.email.events", EmittedMetrics.AppInstruments);
    }

    [Fact]
    public void The_source_scan_reads_instrument_names_given_as_literals_or_as_constants()
    {
        const string source = """
            public static class ReadCache
            {
                public const string LookupsMetric = "bookingaws.cache.lookups";
                private static readonly Counter<long> Lookups = Telemetry.Meter.CreateCounter<long>(
                    LookupsMetric, description: "Read-cache lookups");
                private static readonly Counter<long> Other = Telemetry.Meter.CreateCounter<long>(Names.Other, description: "x");
                private static readonly Counter<long> Literal = Telemetry.Meter.CreateCounter<long>("bookingaws.literal", description: "y");
            }
            public static class Names { public const string Other = "bookingaws.other"; }
            """;
        Assert.Equal(["bookingaws.cache.lookups", "bookingaws.literal", "bookingaws.other"], EmittedMetrics.InstrumentNames(source).Order());
    }

    [Fact]
    public void Every_log_metric_counts_words_of_a_line_the_apps_write()
    {
        var filters = EmittedMetrics.LogMetrics(Json(prod));
        Assert.NotEmpty(filters);
        foreach (var (ns, metric, pattern) in filters)
        {
            Assert.Equal(ObservabilityStack.LogNamespace, ns);
            var terms = EmittedMetrics.Terms(pattern).ToList();
            Assert.NotEmpty(terms);
            foreach (var term in terms)
            {
                Assert.True(EmittedMetrics.SourceText.Contains(term, StringComparison.Ordinal), $"{metric}: no log line in src holds \"{term}\"");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void Every_alarm_and_event_notification_names_a_runbook_section_that_exists(string stage)
    {
        var anchors = RunbookAnchors();
        var templates = Json(Stage(stage));
        var descriptions = templates.SelectMany(t => EmittedMetrics.Resources(t, "AWS::CloudWatch::Alarm"))
            .Select(a => a["Properties"]!["AlarmDescription"]!.GetValue<string>())
            .Concat(templates.SelectMany(t => EmittedMetrics.Resources(t, "AWS::Events::Rule"))
                .SelectMany(r => r["Properties"]!["Targets"]!.AsArray())
                .Select(target => target!["InputTransformer"]!["InputTemplate"]!.GetValue<string>()))
            .ToList();
        Assert.True(descriptions.Count > 30, $"only {descriptions.Count} alarms and notifications");
        foreach (var description in descriptions)
        {
            var match = RunbookLink().Match(description);
            Assert.True(match.Success, $"no runbook link in: {description}");
            Assert.True(anchors.Contains(match.Groups[1].Value), $"RUNBOOK.md has no section #{match.Groups[1].Value}");
        }
    }

    [Theory]
    [InlineData("workers-down")]
    [InlineData("workers-crash-looping")]
    [InlineData("email-bounces")]
    [InlineData("email-complaints")]
    [InlineData("email-send-failures")]
    [InlineData("stripe-webhook-refused")]
    [InlineData("cloudfront-5xx-rate")]
    [InlineData("waf-block-spike")]
    [InlineData("database-connections")]
    [InlineData("database-freeable-memory")]
    [InlineData("database-storage")]
    [InlineData("database-failover")]
    [InlineData("cache-memory")]
    [InlineData("cache-evictions")]
    [InlineData("cache-cpu")]
    [InlineData("cache-swap")]
    [InlineData("cache-replication-lag")]
    [InlineData("cache-hit-ratio")]
    [InlineData("secret-rotation-failed")]
    [InlineData("autoscaling-launch-failed")]
    [InlineData("payment-anomalies")]
    [InlineData("rate-limit-fail-open")]
    [InlineData("outbox-backlog")]
    public void Each_symptom_of_the_issue_wakes_on_call(string anchor)
    {
        var all = string.Join('\n', Json(prod).Select(t => t.ToJsonString()));
        Assert.Contains($"RUNBOOK.md#{anchor}", all, StringComparison.Ordinal);
    }

    [Fact]
    public void A_queue_age_alarm_fires_before_the_queue_drops_its_messages()
    {
        var alarms = PlatformFixture.Resources(prod.Observability, "AWS::CloudWatch::Alarm");
        foreach (var queue in MessageTopology.Queues)
        {
            var alarm = alarms.Single(a => a.Key.StartsWith($"{queue.Key}QueueAge", StringComparison.Ordinal)).Value;
            var threshold = alarm["Properties"]!["Threshold"]!.GetValue<double>();
            var evaluation = alarm["Properties"]!["EvaluationPeriods"]!.GetValue<double>() * 60;
            Assert.True(threshold + evaluation < queue.Retention.TotalSeconds,
                $"{queue.Key}: alarm after {threshold} s + {evaluation} s, retention {queue.Retention.TotalSeconds} s");
        }
    }

    [Fact]
    public void Edge_alarms_watch_cloudfront_and_waf_in_us_east_1_and_notify_their_topic()
    {
        var stack = prod.Platform.EdgeAlarms;
        Assert.Equal(Platform.EdgeSecurityRegion, stack.Region);
        var template = prod.TemplateOf(stack);
        var topic = template.FindResources("AWS::SNS::Topic").Single().Key;
        var alarms = PlatformFixture.Resources(template, "AWS::CloudWatch::Alarm");
        Assert.Equal(2, alarms.Count);
        foreach (var alarm in alarms.Values)
        {
            Assert.Equal(topic, alarm["Properties"]!["AlarmActions"]![0]!["Ref"]!.ToString());
        }
    }

    [Theory]
    [InlineData("Requests by route")]
    [InlineData("5xx by route")]
    [InlineData("p99 by route (s)")]
    [InlineData("Holds and payment confirmations")]
    [InlineData("Payment outcomes")]
    [InlineData("Outbox backlog (rows)")]
    [InlineData("Queue depth")]
    [InlineData("Age of oldest message (s)")]
    [InlineData("Handler failures / DLQ depth")]
    [InlineData("Email sent / bounced / complained")]
    [InlineData("Redis hit ratio %")]
    [InlineData("App cache hit ratio %")]
    [InlineData("Redis memory used %")]
    [InlineData("Redis engine CPU %")]
    [InlineData("WebSocket connections")]
    [InlineData("Aurora connections")]
    [InlineData("Aurora replica lag (ms)")]
    public void The_dashboard_has_the_widgets_on_call_reads(string title)
    {
        var dashboard = PlatformFixture.Resources(dev.Observability, "AWS::CloudWatch::Dashboard").Single().Value;
        var body = EmittedMetrics.Flatten(dashboard["Properties"]!["DashboardBody"]!);
        Assert.Contains($"\"title\":\"{title}\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_route_the_dashboard_filters_on_is_one_the_api_maps()
    {
        var dashboard = PlatformFixture.Resources(prod.Observability, "AWS::CloudWatch::Dashboard").Single().Value;
        var body = EmittedMetrics.Flatten(dashboard["Properties"]!["DashboardBody"]!);
        var routes = RouteFilter().Matches(body).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(routes);
        foreach (var route in routes)
        {
            // Endpoints map relative to the /api/v1 group, or to its /tenants/{slug} (dashboard) group.
            var relative = route.Replace("/api/v1", "", StringComparison.Ordinal);
            var inGroup = relative.Replace("/tenants/{slug}", "", StringComparison.Ordinal);
            Assert.True(
                EmittedMetrics.SourceText.Contains($"\"{relative}\"", StringComparison.Ordinal) || EmittedMetrics.SourceText.Contains($"\"{inGroup}\"", StringComparison.Ordinal),
                $"no endpoint maps {route}");
        }
    }

    [GeneratedRegex(@"\\""http\.route\\"" = '([^']+)'")]
    private static partial Regex RouteFilter();

    [Theory]
    [InlineData("one-request-end-to-end", "@tr")]
    [InlineData("slowest-routes", "pct(Elapsed, 99)")]
    [InlineData("errors-by-business", "by TenantId")]
    public void Logs_insights_queries_are_saved_over_both_app_log_groups(string name, string fragment)
    {
        var query = PlatformFixture.Resources(prod.Observability, "AWS::Logs::QueryDefinition").Values
            .Single(q => q["Properties"]!["Name"]!.ToString().EndsWith("/" + name, StringComparison.Ordinal));
        Assert.Contains(fragment, query["Properties"]!["QueryString"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, query["Properties"]!["LogGroupNames"]!.AsArray().Count);
    }

    /// <summary>GitHub's heading anchors: lower case, spaces to hyphens, punctuation dropped.</summary>
    private static HashSet<string> RunbookAnchors() =>
        File.ReadAllLines(Path.Combine(RepoPaths.Root, "RUNBOOK.md"))
            .Where(l => l.StartsWith("## ", StringComparison.Ordinal))
            .Select(l => AnchorDrop().Replace(l[3..].Trim().ToLowerInvariant(), "").Replace(' ', '-'))
            .ToHashSet();

    [GeneratedRegex(@"[^a-z0-9 _-]")]
    private static partial Regex AnchorDrop();

    [GeneratedRegex(@"Runbook: RUNBOOK\.md#([a-z0-9_-]+)")]
    private static partial Regex RunbookLink();
}
