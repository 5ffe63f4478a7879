using Amazon.CDK;
using Amazon.CDK.AWS.AutoScaling;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.RDS;
using Amazon.CDK.AWS.SNS;
using BookingAws.Cdk.Constructs;
using Constructs;

namespace BookingAws.Cdk.Stacks;

public sealed class ObservabilityStackProps : StackProps
{
    public required StageConfig Stage { get; init; }
    public required IApplicationLoadBalancer LoadBalancer { get; init; }
    public required IApplicationTargetGroup ApiTargets { get; init; }
    public required IAutoScalingGroup ApiGroup { get; init; }
    public required IAutoScalingGroup WorkerGroup { get; init; }
    public required IDatabaseCluster Database { get; init; }
    public required string CacheReplicationGroupId { get; init; }
    public required int CacheNodes { get; init; }
    public required IReadOnlyDictionary<string, QueueWithDeadLetter> Queues { get; init; }
    public required ILogGroup ApiLogs { get; init; }
    public required ILogGroup WorkerLogs { get; init; }

    /// <summary>The secrets whose rotation on-call hears about when it fails.</summary>
    public required IReadOnlyList<Amazon.CDK.AWS.SecretsManager.ISecret> RotatedSecrets { get; init; }
}

/// <summary>
/// On-call topic, one alarm per user-facing symptom (each with its RUNBOOK.md section), the dashboard and the
/// Logs Insights queries on-call starts from. Every metric is one something really emits: AWS for its
/// services, the apps' OpenTelemetry meter (through the CloudWatch agent, namespace <see cref="AppNamespace"/>,
/// names as the code spells them) or a metric filter on the apps' JSON logs (<see cref="LogNamespace"/>).
/// CloudFront and WAF metrics exist only in us-east-1; their alarms are in <see cref="EdgeAlarmsStack"/>.
/// </summary>
public sealed class ObservabilityStack : Stack
{
    /// <summary>The CloudWatch agent's <c>metrics.namespace</c> (cdk/assets/boot/cloudwatch-agent.json).</summary>
    public const string AppNamespace = "BookingAws";

    /// <summary>Metrics counted from log lines by this stack's metric filters.</summary>
    public const string LogNamespace = "BookingAws/Logs";

    /// <summary>Meter instruments the apps create (src/**: Telemetry.Meter.Create…); a test keeps these in step.</summary>
    public static class AppMetrics
    {
        public const string OutboxBacklog = "bookingaws.outbox.backlog";
        public const string OutboxOldestAge = "bookingaws.outbox.oldest_age";
        public const string WebhooksOldestDueAge = "bookingaws.webhooks.oldest_due_age";
        public const string PaymentAnomalies = "bookingaws.payments.anomalies";
        public const string RateLimitFailOpen = "bookingaws.ratelimit.fail_open";
        public const string RateLimitRefused = "bookingaws.ratelimit.refused";
        public const string EmailEvents = "bookingaws.email.events";
        public const string EmailSuppressed = "bookingaws.email.suppressed";

        /// <summary>
        /// The API's read-cache lookups, attributes <c>cache</c> (<see cref="CacheHitRatioFloors"/>' keys) and
        /// <c>result</c> (<c>hit</c> or <c>miss</c>). The agent also publishes it under exactly those two
        /// dimensions (<c>aggregation_dimensions</c> in cdk/assets/boot/cloudwatch-agent.json), which alarm math needs.
        /// </summary>
        public const string CacheLookups = "bookingaws.cache.lookups";

        // From the ASP.NET Core instrumentation (AddAspNetCoreInstrumentation in src/Shared/Hosting/ServiceDefaults.cs).
        public const string HttpServerDuration = "http.server.request.duration";
        public const string SignalRConnections = "signalr.server.active_connections";
    }

    /// <summary>
    /// Hit ratio (%) under which each cache of the API alarms. Availability is invalidated by every booking of its
    /// day, so it hits less than the catalogue and far less than tenants (which change only when edited): each
    /// floor is where that cache no longer shields the database, not a target.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, double> CacheHitRatioFloors = new Dictionary<string, double>
    {
        ["availability"] = 50,
        ["catalogue"] = 80,
        ["tenant"] = 90,
    };

    /// <summary>Lookups a cache must see in five minutes (one a second) before its hit ratio can alarm.</summary>
    public const int CacheHitRatioMinLookups = 300;

    /// <summary>The dimensions the agent rolls <see cref="AppMetrics.CacheLookups"/> up to, in the agent's order.</summary>
    public static readonly string[] CacheLookupDimensions = ["cache", "result"];

    private static readonly Duration Minute = Duration.Minutes(1);
    private readonly OnCallTopic _onCall;

    public Topic OnCall => _onCall.Topic;
    public Dashboard Dashboard { get; }
    public IReadOnlyList<Alarm> Alarms => _onCall.Alarms;

    /// <summary>The log-derived metrics by name, with the filter pattern that counts them.</summary>
    public IReadOnlyDictionary<string, MetricFilter> LogMetrics => _logMetrics;
    private readonly Dictionary<string, MetricFilter> _logMetrics = [];

    public ObservabilityStack(Construct scope, string id, ObservabilityStackProps props) : base(scope, id, props)
    {
        var stage = props.Stage;
        _onCall = new OnCallTopic(this, stage.Name, stage.AlarmEmail);

        // ---- API at the load balancer
        var alb = props.LoadBalancer.Metrics;
        var targets = props.ApiTargets.Metrics;
        var requests = alb.RequestCount(new MetricOptions { Period = Minute });
        var server5xx = targets.HttpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, new MetricOptions { Period = Minute });
        var elb5xx = alb.HttpCodeElb(HttpCodeElb.ELB_5XX_COUNT, new MetricOptions { Period = Minute });
        var p50 = targets.TargetResponseTime(new MetricOptions { Statistic = "p50", Period = Minute });
        var p99 = targets.TargetResponseTime(new MetricOptions { Statistic = "p99", Period = Minute });
        var healthy = targets.HealthyHostCount(new MetricOptions { Period = Minute, Statistic = "Minimum" });

        var errorRate = new MathExpression(new MathExpressionProps
        {
            Expression = "100 * (t5 + e5) / MAX([req, 1])",
            UsingMetrics = new Dictionary<string, IMetric> { ["t5"] = server5xx, ["e5"] = elb5xx, ["req"] = requests },
            Label = "5xx %",
            Period = Minute,
        });
        Alarm("Api5xxRate", "api-5xx-rate", errorRate, 5, 3, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "More than 5% of API requests fail with 5xx for 3 minutes (a few 5xx during a deploy or a Stripe blip stay under it).");
        Alarm("ApiLatencyP99", "api-latency-p99", p99, 1.5, 5, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "API p99 latency above 1.5 s for 5 minutes (the hold path answers in well under 300 ms; 1.5 s is where checkouts are abandoned).");
        Alarm("ApiNoHealthyHosts", "api-no-healthy-hosts", healthy, 1, 2, ComparisonOperator.LESS_THAN_THRESHOLD,
            "No healthy API instance behind the load balancer for 2 minutes: every request fails.",
            TreatMissingData.BREACHING);

        // ---- Workers
        var workersInService = GroupSize(props.WorkerGroup, "GroupInServiceInstances", "Minimum");
        Alarm("WorkersDown", "workers-down", workersInService, stage.WorkerMin, 5, ComparisonOperator.LESS_THAN_THRESHOLD,
            $"Fewer than {stage.WorkerMin} worker instances in service for 5 minutes (the group's minimum): emails, payments and pushes slow down or stop.",
            TreatMissingData.BREACHING);
        // Every worker reports the outbox backlog gauge once a minute, so silence means no worker is running its relay.
        var workerReports = Insights($"SELECT COUNT(\"{AppMetrics.OutboxBacklog}\") FROM \"{AppNamespace}\"", "Outbox backlog reports");
        Alarm("WorkersNotReporting", "workers-down", workerReports, 1, 5, ComparisonOperator.LESS_THAN_THRESHOLD,
            "No worker has reported the outbox backlog for 5 minutes: the workers run but their process is down or cannot export.",
            TreatMissingData.BREACHING);
        // One "Consuming … with up to … handlers" line per queue each time a worker process starts.
        var starts = LogMetric("WorkerStarts", props.WorkerLogs, "Consuming", "with up to", "handlers");
        var normalStarts = props.Queues.Count * stage.WorkerMax * 2;
        Alarm("WorkersCrashLooping", "workers-crash-looping", Sum(starts, Duration.Minutes(15)), normalStarts, 1, ComparisonOperator.GREATER_THAN_THRESHOLD,
            $"Worker processes started more than {normalStarts} queue consumers in 15 minutes: twice a full fleet of {stage.WorkerMax} restarting, which only a crash loop (systemd restarts every 5 s) reaches.");
        var handlerFailures = LogMetric("HandlerFailures", props.WorkerLogs, "Handler for", "failed on message");

        // ---- Outbox and queues
        var outbox = Insights($"SELECT MAX(\"{AppMetrics.OutboxBacklog}\") FROM \"{AppNamespace}\"", "Outbox backlog (rows)");
        Alarm("OutboxBacklog", "outbox-backlog", outbox, 1000, 10, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "More than 1000 outbox rows unpublished for 10 minutes (a busy minute relays a few hundred): confirmations and receipts are delayed.");
        var outboxAge = Insights($"SELECT MAX(\"{AppMetrics.OutboxOldestAge}\") FROM \"{AppNamespace}\"", "Outbox oldest unsent row (s)");
        // The relay publishes within a second when healthy and backs off to at most two minutes, so five minutes is a stuck
        // row or a relay that cannot reach SQS, even when the backlog is small.
        Alarm("OutboxAge", "outbox-backlog", outboxAge, 300, 5, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "The oldest unpublished outbox row is over 5 minutes old for 5 minutes (the relay publishes within a second when healthy): confirmations, receipts and pushes are stuck.");

        // Receivers that fail only push due times out; a delivery waiting long past its due time means delivery itself is stuck.
        var webhooksDue = Insights($"SELECT MAX(\"{AppMetrics.WebhooksOldestDueAge}\") FROM \"{AppNamespace}\"", "Webhooks oldest overdue delivery (s)");
        Alarm("WebhooksStuck", "webhooks-stuck", webhooksDue, 120, 5, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "A webhook delivery has been due for over 2 minutes for 5 minutes (the loop sends within a second when healthy): businesses' systems stop hearing of bookings.");

        foreach (var (concern, queue) in props.Queues)
        {
            // Alarm well before the queue drops messages: at half the retention, capped at 15 minutes.
            var retention = queue.Declaration.Retention.TotalSeconds;
            // A short-lived queue alarms on the first minute over the limit, so it still fires before messages expire.
            var ageLimit = Math.Min(900, retention / 2);
            var minutes = retention < 1800 ? 1 : 3;
            var age = queue.Queue.MetricApproximateAgeOfOldestMessage(new MetricOptions { Period = Minute, Statistic = "Maximum" });
            Alarm($"{concern}QueueAge", "queue-age", age, ageLimit, minutes, ComparisonOperator.GREATER_THAN_THRESHOLD,
                $"{concern} messages wait more than {ageLimit:0} s for {minutes} minute(s) (half their {retention:0} s retention, at most 15 minutes): customers miss emails, receipts, payment updates or live availability.");
            var dlq = queue.DeadLetterQueue.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Period = Minute, Statistic = "Maximum" });
            Alarm($"{concern}DeadLetters", "dead-letters", dlq, 0, 1, ComparisonOperator.GREATER_THAN_THRESHOLD,
                $"{concern} messages failed every retry and were parked in the DLQ (any one is a customer-visible loss).");
        }

        // ---- Email
        Alarm("EmailBounceRate", "email-bounces", Ses("Reputation.BounceRate", "Maximum", Duration.Minutes(15)), 0.04, 2, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "SES account bounce rate above 4% for 30 minutes: SES reviews the account at 5% and may pause sending at 10%.");
        Alarm("EmailComplaintRate", "email-complaints", Ses("Reputation.ComplaintRate", "Maximum", Duration.Minutes(15)), 0.0008, 2, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "SES complaint rate above 0.08% for 30 minutes: SES reviews the account at 0.1% and may pause sending at 0.5%.");
        var emailsSent = LogMetric("EmailsSent", props.WorkerLogs, "Sent email", "recipient(s) with");
        var emailSendFailures = LogMetric("EmailSendFailures", props.WorkerLogs, "Handler for", "failed on message", "EmailSendException");
        Alarm("EmailSendFailures", "email-send-failures", Sum(emailSendFailures, Duration.Minutes(5)), 5, 2, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "More than 5 email sends a minute-window fail for 10 minutes (single transient SES errors retry and pass): customers get no confirmations.");

        // ---- Payments
        var webhookRefused = LogMetric("StripeWebhookRefused", props.ApiLogs, "Refused a Stripe webhook");
        Alarm("StripeWebhookRefused", "stripe-webhook-refused", Sum(webhookRefused, Duration.Minutes(5)), 5, 1, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "More than 5 Stripe webhooks refused (400: missing, wrong or stale signature) in 5 minutes; a few are internet noise, more means the signing secret is wrong and payments stop confirming.");
        var anomalies = Insights($"SELECT SUM(\"{AppMetrics.PaymentAnomalies}\") FROM \"{AppNamespace}\"", "Payment anomalies");
        Alarm("PaymentAnomalies", "payment-anomalies", anomalies, 0, 1, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "A payment event that should not happen (amount mismatch, unknown PaymentIntent, replayed or duplicate payment): any one may be money owed.");
        var paymentRefused = LogMetric("StripePaymentRefused", props.ApiLogs, "Stripe refused the PaymentIntent");

        // ---- Abuse limits
        var failOpen = Insights($"SELECT SUM(\"{AppMetrics.RateLimitFailOpen}\") FROM \"{AppNamespace}\"", "Rate-limit fail-open");
        Alarm("RateLimitFailOpen", "rate-limit-fail-open", failOpen, 0, 3, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "Abuse limits unenforced for 3 minutes because Redis cannot be asked (one blip is tolerated): the API is open to scraping and hold flooding.");

        // ---- Aurora
        var cluster = props.Database;
        var dbCpu = cluster.MetricCPUUtilization(new MetricOptions { Period = Minute });
        var dbConnections = cluster.MetricDatabaseConnections(new MetricOptions { Period = Minute, Statistic = "Maximum" });
        var replicaLag = cluster.Metric("AuroraReplicaLagMaximum", new MetricOptions { Period = Minute, Statistic = "Maximum" });
        var freeable = cluster.MetricFreeableMemory(new MetricOptions { Period = Minute, Statistic = "Minimum" });
        var freeLocal = cluster.MetricFreeLocalStorage(new MetricOptions { Period = Minute, Statistic = "Minimum" });
        Alarm("DatabaseCpu", "database-cpu", dbCpu, 80, 5, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "Aurora CPU above 80% for 5 minutes (headroom for a failover onto one fewer instance is gone): bookings slow down or time out.");
        Alarm("DatabaseReplicaLag", "database-replica-lag", replicaLag, 2000, 5, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "Aurora replica lag above 2 s for 5 minutes (normally under 100 ms): customers see stale availability.");
        var connectionLimit = Math.Round(stage.DbMaxConnections * 0.8);
        Alarm("DatabaseConnections", "database-connections", dbConnections, connectionLimit, 5, ComparisonOperator.GREATER_THAN_THRESHOLD,
            $"Aurora connections above {connectionLimit} (80% of max_connections {stage.DbMaxConnections} on {stage.DbInstanceType}) for 5 minutes: new connections will be refused.");
        var memoryFloor = stage.DbMemoryGiB * 0.1 * 1024 * 1024 * 1024;
        Alarm("DatabaseFreeableMemory", "database-freeable-memory", freeable, memoryFloor, 5, ComparisonOperator.LESS_THAN_THRESHOLD,
            $"Aurora freeable memory under 10% of the instance's {stage.DbMemoryGiB} GiB for 5 minutes: the buffer cache shrinks, then the instance swaps or restarts.");
        const double localFloor = 2.0 * 1024 * 1024 * 1024;
        Alarm("DatabaseLocalStorage", "database-storage", freeLocal, localFloor, 5, ComparisonOperator.LESS_THAN_THRESHOLD,
            "Aurora free local storage (temporary files of sorts and hashes) under 2 GiB for 5 minutes: large queries start failing.");

        // ---- Redis
        var nodes = Enumerable.Range(1, props.CacheNodes)
            .Select(n => $"{props.CacheReplicationGroupId}-{n:000}")
            .ToList();
        Metric Cache(string name, string node, string statistic = "Sum") => new(new MetricProps
        {
            Namespace = "AWS/ElastiCache",
            MetricName = name,
            DimensionsMap = new Dictionary<string, string> { ["CacheClusterId"] = node },
            Statistic = statistic,
            Period = Minute,
        });
        MathExpression AcrossNodes(string metric, string statistic, string function, string label) => new(new MathExpressionProps
        {
            Expression = $"{function}([{string.Join(", ", nodes.Select((_, i) => $"c{i}"))}])",
            UsingMetrics = nodes.Select((n, i) => (n, i)).ToDictionary(x => $"c{x.i}", x => (IMetric)Cache(metric, x.n, statistic)),
            Label = label,
            Period = Minute,
        });
        Alarm("CacheCpu", "cache-cpu", AcrossNodes("EngineCPUUtilization", "Maximum", "MAX", "Redis engine CPU (max node)"), 80, 5, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "Redis engine CPU above 80% for 5 minutes (Redis is single-threaded: past this, every command queues): cache and SignalR fan-out slow down.");
        Alarm("CacheMemory", "cache-memory", AcrossNodes("DatabaseMemoryUsagePercentage", "Maximum", "MAX", "Redis memory used % (max node)"), 80, 5, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "Redis memory above 80% of maxmemory for 5 minutes: evictions follow, and evicted rate-limit counters let abuse through.");
        Alarm("CacheEvictions", "cache-evictions", AcrossNodes("Evictions", "Sum", "SUM", "Redis evictions"), 100, 5, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "Redis evicting more than 100 keys a minute for 5 minutes (a full cache, not the odd expiry): read-your-writes markers and rate-limit windows are lost.");
        // reserved-memory-percent keeps the fork of a snapshot or sync off swap; swapping means that reserve is too small.
        Alarm("CacheSwap", "cache-swap", AcrossNodes("SwapUsage", "Maximum", "MAX", "Redis swap (max node, bytes)"), 50 * 1024 * 1024, 5, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "A Redis node swapping more than 50 MB for 5 minutes: every command may wait on disk, so cache reads, rate limits and pushes slow down together.");
        if (props.CacheNodes > 1)
        {
            // Only replicas publish ReplicationLag, and which nodes are replicas changes with each failover: take the max of all.
            Alarm("CacheReplicationLag", "cache-replication-lag", AcrossNodes("ReplicationLag", "Maximum", "MAX", "Redis replica lag (s, max replica)"), 2, 5, ComparisonOperator.GREATER_THAN_THRESHOLD,
                "A Redis replica more than 2 s behind the primary for 5 minutes (normally milliseconds): a failover now would lose those seconds of cache invalidations, rate-limit windows and read-your-writes markers.");
        }

        // ---- The API's read cache (tenant, catalogue, availability): its own hit ratio, not the engine's, which
        // also counts rate-limit and read-your-writes reads.
        var fiveMinutes = Duration.Minutes(5);
        foreach (var (cache, floor) in CacheHitRatioFloors)
        {
            Alarm($"CacheHitRatio{char.ToUpperInvariant(cache[0])}{cache[1..]}", "cache-hit-ratio", CacheHitRatio(cache, fiveMinutes, CacheHitRatioMinLookups), floor, 3, ComparisonOperator.LESS_THAN_THRESHOLD,
                $"The API's {cache} cache answered under {floor:0}% of lookups from cache for 15 minutes while it saw at least {CacheHitRatioMinLookups} lookups every 5 minutes: those reads fall through to the database.");
        }

        // ---- Events with no metric: each rule notifies on-call with its runbook line.
        EventAlarm("DatabaseFailover", "database-failover", new EventPattern
        {
            Source = ["aws.rds"],
            DetailType = ["RDS DB Cluster Event"],
            Resources = [cluster.ClusterArn],
            Detail = new Dictionary<string, object> { ["EventCategories"] = new[] { "failover", "failure" } },
        }, "Aurora failed over (or reported a failure): writes paused for up to a minute and the writer moved zone.");
        EventAlarm("SecretRotationFailed", "secret-rotation-failed", new EventPattern
        {
            Source = ["aws.secretsmanager"],
            DetailType = ["AWS Service Event via CloudTrail"],
            Detail = new Dictionary<string, object>
            {
                ["eventName"] = new[] { "RotationFailed", "RotationAbandoned" },
                ["additionalEventData"] = new Dictionary<string, object> { ["SecretId"] = props.RotatedSecrets.Select(s => s.SecretArn).ToArray() },
            },
        }, "A secret's rotation failed: the pending version is stuck and the next rotation of that secret will not run until it is resolved.");
        EventAlarm("LaunchFailed", "autoscaling-launch-failed", new EventPattern
        {
            Source = ["aws.autoscaling"],
            DetailType = ["EC2 Instance Launch Unsuccessful"],
            Detail = new Dictionary<string, object>
            {
                ["AutoScalingGroupName"] = new[] { props.ApiGroup.AutoScalingGroupName, props.WorkerGroup.AutoScalingGroupName },
            },
        }, "An Auto Scaling group could not launch an instance (capacity, quota, launch template or AMI): the fleet cannot scale out or replace a failed instance.");

        // ---- Dashboard
        Dashboard = new Dashboard(this, "Dashboard", new DashboardProps
        {
            DefaultInterval = Duration.Hours(3),
        });
        Dashboard.AddWidgets(
            Graph("Requests (ALB)", requests),
            Graph("5xx (ALB)", server5xx, elb5xx),
            Graph("Latency p50 / p99 (s, ALB)", p50, p99),
            Graph("Healthy API targets", healthy));
        Dashboard.AddWidgets(
            Graph("Requests by route", Search(AppMetrics.HttpServerDuration, "SampleCount", "http.route")),
            // Metrics Insights filters with = and AND only: one line per 5xx code the API answers with, and per route.
            Graph("5xx by route",
                [.. new[] { "500", "502", "503", "504" }.Select(code => (IMetric)Insights(
                    $"SELECT COUNT(\"{AppMetrics.HttpServerDuration}\") FROM \"{AppNamespace}\" WHERE \"http.response.status_code\" = '{code}' GROUP BY \"http.route\"",
                    $"{code} by route"))]),
            Graph("p99 by route (s)", Search(AppMetrics.HttpServerDuration, "p99", "http.route")),
            Graph("Holds and payment confirmations",
                RouteCount("POST", "/api/v1/tenants/{slug}/bookings", "Holds"),
                RouteCount("POST", "/api/v1/webhooks/stripe", "Stripe webhooks"),
                RouteCount("POST", "/api/v1/tenants/{slug}/bookings/{id:guid}/confirm", "Confirmed in person")));
        Dashboard.AddWidgets(
            Graph("Payment outcomes", Sum(webhookRefused, Minute), Sum(paymentRefused, Minute), Insights(
                $"SELECT SUM(\"{AppMetrics.PaymentAnomalies}\") FROM \"{AppNamespace}\" GROUP BY kind", "Anomalies by kind")),
            Graph("Outbox backlog (rows)", outbox),
            Graph("Outbox oldest unsent row (s)", outboxAge),
            Graph("Queue depth", props.Queues.Values.Select(q => (IMetric)q.Queue.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Period = Minute })).ToArray()),
            Graph("Age of oldest message (s)", props.Queues.Values.Select(q => (IMetric)q.Queue.MetricApproximateAgeOfOldestMessage(new MetricOptions { Period = Minute })).ToArray()));
        Dashboard.AddWidgets(
            Graph("Handler failures / DLQ depth", new IMetric[] { Sum(handlerFailures, Minute) }
                .Concat(props.Queues.Values.Select(q => (IMetric)q.DeadLetterQueue.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Period = Minute })))
                .ToArray()),
            Graph("Email sent / bounced / complained", Sum(emailsSent, Minute), Insights(
                $"SELECT SUM(\"{AppMetrics.EmailEvents}\") FROM \"{AppNamespace}\" GROUP BY event_type", "SES events by type")),
            Graph("Redis hit ratio %", AcrossNodes("CacheHitRate", "Average", "AVG", "Cache hit rate % (mean of nodes)")),
            Graph("WebSocket connections", Insights($"SELECT SUM(\"{AppMetrics.SignalRConnections}\") FROM \"{AppNamespace}\"", "SignalR connections")));
        Dashboard.AddWidgets(new GraphWidget(new GraphWidgetProps
        {
            Title = "App cache hit ratio %",
            Left = [.. CacheHitRatioFloors.Keys.Select(cache => (IMetric)CacheHitRatio(cache, Minute, 0))],
            // Beside the ratio, so an idle minute's 0% reads as idle.
            Right = [.. CacheHitRatioFloors.Keys.Select(cache => (IMetric)CacheLookupCount(cache, Minute))],
            LeftYAxis = new YAxisProps { Min = 0, Max = 100 },
            Width = 6,
        }),
            Graph("Redis memory used %", AcrossNodes("DatabaseMemoryUsagePercentage", "Maximum", "MAX", "Redis memory used % (max node)")),
            Graph("Redis engine CPU %", AcrossNodes("EngineCPUUtilization", "Maximum", "MAX", "Redis engine CPU (max node)")),
            // Only replicas report lag; a single node (dev) has none to chart.
            props.CacheNodes > 1
                ? Graph("Redis replica lag (s)", AcrossNodes("ReplicationLag", "Maximum", "MAX", "Redis replica lag (s, max replica)"))
                : Graph("Redis swap (bytes)", AcrossNodes("SwapUsage", "Maximum", "MAX", "Redis swap (max node, bytes)")));
        Dashboard.AddWidgets(
            Graph("Aurora connections", dbConnections),
            Graph("Aurora replica lag (ms)", replicaLag),
            Graph("Aurora CPU %", dbCpu),
            Graph("Redis evictions", nodes.Select(n => (IMetric)Cache("Evictions", n)).ToArray()));
        Dashboard.AddWidgets(
            Graph("API group size", GroupSize(props.ApiGroup, "GroupInServiceInstances"), GroupSize(props.ApiGroup, "GroupDesiredCapacity")),
            Graph("Workers group size", workersInService, GroupSize(props.WorkerGroup, "GroupDesiredCapacity")),
            Graph("Rate limits: refused / fail-open", Insights($"SELECT SUM(\"{AppMetrics.RateLimitRefused}\") FROM \"{AppNamespace}\"", "Refused (429)"), failOpen),
            new AlarmStatusWidget(new AlarmStatusWidgetProps { Title = "Alarms", Alarms = _onCall.Alarms.ToArray(), Width = 6 }));

        SavedQueries(props.ApiLogs, props.WorkerLogs);

        _ = new CfnOutput(this, "OnCallTopicArn", new CfnOutputProps
        {
            Value = OnCall.TopicArn,
            Description = "Subscribe the on-call rotation (email, chat or paging) to this topic",
        });
        _ = new CfnOutput(this, "DashboardName", new CfnOutputProps
        {
            Value = Dashboard.DashboardName,
            Description = "CloudWatch dashboard with the platform's golden signals",
        });
    }

    /// <summary>Logs Insights queries on-call starts from (Serilog compact JSON: @t, @mt, @l, @x, @tr trace id).</summary>
    private void SavedQueries(ILogGroup api, ILogGroup workers)
    {
        var groups = new[] { api.LogGroupName, workers.LogGroupName };
        void Query(string id, string name, string query) => _ = new CfnQueryDefinition(this, id, new CfnQueryDefinitionProps
        {
            Name = $"{StackName}/{name}",
            LogGroupNames = groups,
            QueryString = query,
        });
        // API and worker lines of one request share its trace id (@tr) and its CorrelationId.
        Query("OneRequestQuery", "one-request-end-to-end",
            "fields @timestamp, service, @l, @mt, @x, CorrelationId, TenantId, Queue, MessageType\n" +
            "| filter @tr = 'TRACE_ID' or CorrelationId = 'TRACE_ID'\n" +
            "| sort @timestamp asc\n| limit 1000");
        // The API's one line per request (UseSerilogRequestLogging in src/Api/Infrastructure/ApiServiceCollectionExtensions.cs)
        // carries RequestMethod, RequestPath, StatusCode and Elapsed (ms); the route group is the first segment after /api/v1.
        Query("SlowestRoutesQuery", "slowest-routes",
            "fields @timestamp, RequestMethod, RequestPath, StatusCode, Elapsed\n" +
            "| filter ispresent(Elapsed) and ispresent(RequestPath)\n" +
            "| parse RequestPath /^\\/(api\\/v1|hubs)\\/(?<group>[^\\/]+)/\n" +
            "| stats count(*) as requests, pct(Elapsed, 50) as p50, pct(Elapsed, 99) as p99 by RequestMethod, group\n" +
            "| sort p99 desc\n| limit 25");
        Query("ErrorsByBusinessQuery", "errors-by-business",
            "fields @timestamp, TenantId, @mt\n" +
            "| filter @l = 'Error' or @l = 'Fatal'\n" +
            "| stats count(*) as errors by TenantId, @mt\n" +
            "| sort errors desc\n| limit 50");
    }

    private void Alarm(string id, string anchor, IMetric metric, double threshold, int periods, ComparisonOperator comparison,
        string symptom, TreatMissingData missing = TreatMissingData.NOT_BREACHING) =>
        _onCall.Add(this, id, anchor, metric, threshold, periods, comparison, symptom, missing);

    private void EventAlarm(string id, string anchor, EventPattern pattern, string symptom)
    {
        var rule = new Rule(this, id, new RuleProps { Description = symptom, EventPattern = pattern });
        rule.AddTarget(new SnsTopic(OnCall, new SnsTopicProps
        {
            Message = RuleTargetInput.FromText($"{symptom} Event: {EventField.FromPath("$.detail")} {OnCallTopic.RunbookLine(anchor)}"),
        }));
    }

    /// <summary>Counts lines holding every term (a Serilog message template's fixed words) into <see cref="LogNamespace"/>.</summary>
    private Metric LogMetric(string name, ILogGroup group, params string[] terms)
    {
        var filter = new MetricFilter(this, name + "Filter", new MetricFilterProps
        {
            LogGroup = group,
            FilterPattern = FilterPattern.AllTerms(terms),
            MetricNamespace = LogNamespace,
            MetricName = name,
            MetricValue = "1",
        });
        _logMetrics[name] = filter;
        return new Metric(new MetricProps { Namespace = LogNamespace, MetricName = name, Statistic = "Sum", Period = Minute });
    }

    private static Metric Sum(Metric metric, Duration period) => metric.With(new MetricOptions { Statistic = "Sum", Period = period });

    /// <summary>
    /// A Metrics Insights query over the apps' OpenTelemetry metrics: the agent turns each attribute set into its
    /// own dimension set, so a query by metric name sees them all without spelling every dimension.
    /// </summary>
    private static MathExpression Insights(string query, string label) => new(new MathExpressionProps
    {
        Expression = query,
        UsingMetrics = new Dictionary<string, IMetric>(),
        Label = label,
        Period = Minute,
    });

    /// <summary>Requests to one route by status code (holds answer 201, a settled webhook 200).</summary>
    private static MathExpression RouteCount(string method, string route, string label) => Insights(
        $"SELECT COUNT(\"{AppMetrics.HttpServerDuration}\") FROM \"{AppNamespace}\" WHERE \"http.route\" = '{route}' AND \"http.request.method\" = '{method}' GROUP BY \"http.response.status_code\"",
        label);

    /// <summary>One line per value of <paramref name="dimension"/> (percentiles work in a search, not in Metrics Insights).</summary>
    private static MathExpression Search(string metric, string statistic, string dimension) => new(new MathExpressionProps
    {
        Expression = $"SEARCH('{{{AppNamespace},\"{dimension}\"}} MetricName=\"{metric}\"', '{statistic}', 60)",
        UsingMetrics = new Dictionary<string, IMetric>(),
        Label = "",
        Period = Minute,
    });

    /// <summary>Lookups of one of the API's caches with one result, as the agent rolls them up (summed over instances).</summary>
    private static Metric CacheLookup(string cache, string result, Duration period) => new(new MetricProps
    {
        Namespace = AppNamespace,
        MetricName = AppMetrics.CacheLookups,
        DimensionsMap = new Dictionary<string, string> { [CacheLookupDimensions[0]] = cache, [CacheLookupDimensions[1]] = result },
        Statistic = "Sum",
        Period = period,
    });

    // Ids carry the cache's name: a graph of all three caches may not reuse an id for another metric.
    private static MathExpression CacheLookupCount(string cache, Duration period) => new(new MathExpressionProps
    {
        Expression = $"FILL({cache}Hit, 0) + FILL({cache}Miss, 0)",
        UsingMetrics = new Dictionary<string, IMetric>
        {
            [$"{cache}Hit"] = CacheLookup(cache, "hit", period),
            [$"{cache}Miss"] = CacheLookup(cache, "miss", period),
        },
        Label = $"{cache} lookups",
        Period = period,
    });

    /// <summary>
    /// Hits as a percentage of lookups. Below <paramref name="minimum"/> lookups a period reads 100: a handful of
    /// cold misses after a deploy or at night says nothing about the cache. With no minimum (the dashboard), an
    /// idle period reads 0 beside its lookup count.
    /// </summary>
    private static MathExpression CacheHitRatio(string cache, Duration period, int minimum) => new(new MathExpressionProps
    {
        Expression = minimum > 0
            ? $"IF({cache}Total >= {minimum}, 100 * FILL({cache}Hit, 0) / {cache}Total, 100)"
            : $"100 * FILL({cache}Hit, 0) / MAX([{cache}Total, 1])",
        UsingMetrics = new Dictionary<string, IMetric>
        {
            [$"{cache}Hit"] = CacheLookup(cache, "hit", period),
            [$"{cache}Total"] = CacheLookupCount(cache, period),
        },
        Label = $"{cache} hit %",
        Period = period,
    });

    private static Metric Ses(string name, string statistic, Duration period) => new(new MetricProps
    {
        Namespace = "AWS/SES",
        MetricName = name,
        Statistic = statistic,
        Period = period,
    });

    private static GraphWidget Graph(string title, params IMetric[] metrics) => new(new GraphWidgetProps
    {
        Title = title,
        Left = metrics,
        Width = 6,
    });

    private static Metric GroupSize(IAutoScalingGroup group, string name, string statistic = "Average") => new(new MetricProps
    {
        Namespace = "AWS/AutoScaling",
        MetricName = name,
        DimensionsMap = new Dictionary<string, string> { ["AutoScalingGroupName"] = group.AutoScalingGroupName },
        Statistic = statistic,
        Period = Minute,
    });
}
