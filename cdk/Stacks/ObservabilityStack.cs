using Amazon.CDK;
using Amazon.CDK.AWS.AutoScaling;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.RDS;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
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
}

/// <summary>On-call topic, one alarm per user-facing symptom (each with its runbook line) and the dashboard.</summary>
public sealed class ObservabilityStack : Stack
{
    public const string AppNamespace = "BookingAws";
    public const string OutboxBacklogMetric = "OutboxBacklog";

    private static readonly Duration Minute = Duration.Minutes(1);
    private readonly List<Alarm> _alarms = [];

    public Topic OnCall { get; }
    public Dashboard Dashboard { get; }
    public IReadOnlyList<Alarm> Alarms => _alarms;

    public ObservabilityStack(Construct scope, string id, ObservabilityStackProps props) : base(scope, id, props)
    {
        var key = new Key(this, "OnCallKey", new KeyProps
        {
            Description = "Encrypts the BookingAws on-call topic",
            EnableKeyRotation = true,
        });
        // CloudWatch alarms publish as a service; they need to use the key of an encrypted topic.
        key.GrantEncryptDecrypt(new ServicePrincipal("cloudwatch.amazonaws.com"));
        OnCall = new Topic(this, "OnCall", new TopicProps
        {
            DisplayName = $"BookingAws {props.Stage.Name} on-call",
            MasterKey = key,
        });
        // Stated explicitly: the pinned CDK version's EnforceSSL option does not emit this policy.
        OnCall.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Effect = Effect.DENY,
            Principals = [new AnyPrincipal()],
            Actions = ["sns:Publish"],
            Resources = [OnCall.TopicArn],
            Conditions = new Dictionary<string, object>
            {
                ["Bool"] = new Dictionary<string, object> { ["aws:SecureTransport"] = "false" },
            },
        }));
        if (props.Stage.AlarmEmail is not null)
        {
            OnCall.AddSubscription(new EmailSubscription(props.Stage.AlarmEmail));
        }

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
        AddAlarm("Api5xxRate", errorRate, 5, 3, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "More than 5% of API requests fail with 5xx.",
            "Check the API log group for exceptions and the Aurora/Redis widgets; roll back the last deploy if it correlates.");
        AddAlarm("ApiLatencyP99", p99, 1.5, 5, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "API p99 latency above 1.5 s.",
            "Look at Aurora CPU and connections, replica lag and Redis hit rate; scale the API group if CPU is high.");
        AddAlarm("ApiNoHealthyHosts", healthy, 1, 2, ComparisonOperator.LESS_THAN_THRESHOLD,
            "No healthy API instance behind the load balancer.",
            "Inspect /health/ready failures in the API log group and the ASG activity history; check database and cache reachability.",
            TreatMissingData.BREACHING);

        var cluster = props.Database;
        var dbCpu = cluster.MetricCPUUtilization(new MetricOptions { Period = Minute });
        var dbConnections = cluster.MetricDatabaseConnections(new MetricOptions { Period = Minute });
        var replicaLag = cluster.Metric("AuroraReplicaLagMaximum", new MetricOptions { Period = Minute, Statistic = "Maximum" });
        AddAlarm("DatabaseCpu", dbCpu, 80, 5, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "Aurora CPU above 80% for 5 minutes; bookings slow down or time out.",
            "Find the top statements in Performance Insights; move read-heavy queries to the reader; scale the instance class.");
        AddAlarm("DatabaseReplicaLag", replicaLag, 2000, 5, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "Aurora replica lag above 2 s; customers see stale availability.",
            "Check writer write volume and long transactions in Performance Insights; the API keeps writes on the writer.");

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
        var cacheCpu = new MathExpression(new MathExpressionProps
        {
            Expression = $"MAX([{string.Join(", ", nodes.Select((_, i) => $"c{i}"))}])",
            UsingMetrics = nodes.Select((n, i) => (n, i)).ToDictionary(x => $"c{x.i}", x => (IMetric)Cache("EngineCPUUtilization", x.n, "Maximum")),
            Label = "Redis engine CPU (max node)",
            Period = Minute,
        });
        AddAlarm("CacheCpu", cacheCpu, 80, 5, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "Redis engine CPU above 80%; cache and SignalR fan-out slow down.",
            "Look for hot keys and large SignalR groups; scale the node type.");

        foreach (var (concern, queue) in props.Queues)
        {
            var age = queue.Queue.MetricApproximateAgeOfOldestMessage(new MetricOptions { Period = Minute, Statistic = "Maximum" });
            AddAlarm($"{concern}QueueAge", age, 900, 3, ComparisonOperator.GREATER_THAN_THRESHOLD,
                $"{concern} messages wait more than 15 minutes; customers miss emails, receipts or payment updates.",
                "Check the workers group size and the workers log group for handler errors; raise the workers maximum if it is pinned.");
            var dlq = queue.DeadLetterQueue.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Period = Minute, Statistic = "Maximum" });
            AddAlarm($"{concern}DeadLetters", dlq, 0, 1, ComparisonOperator.GREATER_THAN_THRESHOLD,
                $"{concern} messages failed repeatedly and were parked in the DLQ.",
                "Read the DLQ messages and the handler's error logs, fix the cause, then redrive with the ops command.");
        }

        var outbox = new Metric(new MetricProps
        {
            Namespace = AppNamespace,
            MetricName = OutboxBacklogMetric,
            Statistic = "Maximum",
            Period = Minute,
        });
        AddAlarm("OutboxBacklog", outbox, 1000, 10, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "More than 1000 outbox rows unpublished for 10 minutes; confirmations and receipts are delayed.",
            "Check the relay's SQS errors in the API log group and the SQS endpoint; the relay resumes on its own once SQS answers.",
            TreatMissingData.NOT_BREACHING);

        Dashboard = new Dashboard(this, "Dashboard", new DashboardProps
        {
            DefaultInterval = Duration.Hours(3),
        });
        Dashboard.AddWidgets(
            Graph("ALB requests", requests),
            Graph("5xx", server5xx, elb5xx),
            Graph("Latency p50 / p99 (s)", p50, p99),
            Graph("Healthy API targets", healthy));
        Dashboard.AddWidgets(
            Graph("API group size", GroupSize(props.ApiGroup, "GroupInServiceInstances"), GroupSize(props.ApiGroup, "GroupDesiredCapacity")),
            Graph("Workers group size", GroupSize(props.WorkerGroup, "GroupInServiceInstances"), GroupSize(props.WorkerGroup, "GroupDesiredCapacity")),
            Graph("Aurora CPU %", dbCpu),
            Graph("Aurora connections", dbConnections));
        Dashboard.AddWidgets(
            Graph("Aurora replica lag (ms)", replicaLag),
            Graph("Redis hits / misses", nodes.SelectMany(n => new IMetric[] { Cache("CacheHits", n), Cache("CacheMisses", n) }).ToArray()),
            Graph("Redis evictions", nodes.Select(n => (IMetric)Cache("Evictions", n)).ToArray()),
            Graph("Outbox backlog", outbox));
        Dashboard.AddWidgets(
            Graph("Queue depth", props.Queues.Values.Select(q => (IMetric)q.Queue.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Period = Minute })).ToArray()),
            Graph("Age of oldest message (s)", props.Queues.Values.Select(q => (IMetric)q.Queue.MetricApproximateAgeOfOldestMessage(new MetricOptions { Period = Minute })).ToArray()),
            Graph("DLQ depth", props.Queues.Values.Select(q => (IMetric)q.DeadLetterQueue.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Period = Minute })).ToArray()),
            new AlarmStatusWidget(new AlarmStatusWidgetProps { Title = "Alarms", Alarms = _alarms.ToArray(), Width = 6 }));

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

    private static GraphWidget Graph(string title, params IMetric[] metrics) => new(new GraphWidgetProps
    {
        Title = title,
        Left = metrics,
        Width = 6,
    });

    private static Metric GroupSize(IAutoScalingGroup group, string name) => new(new MetricProps
    {
        Namespace = "AWS/AutoScaling",
        MetricName = name,
        DimensionsMap = new Dictionary<string, string> { ["AutoScalingGroupName"] = group.AutoScalingGroupName },
        Statistic = "Average",
        Period = Minute,
    });

    private void AddAlarm(string id, IMetric metric, double threshold, int minutes, ComparisonOperator comparison,
        string symptom, string runbook, TreatMissingData missing = TreatMissingData.NOT_BREACHING)
    {
        var alarm = new Alarm(this, id, new AlarmProps
        {
            Metric = metric,
            Threshold = threshold,
            EvaluationPeriods = minutes,
            DatapointsToAlarm = minutes,
            ComparisonOperator = comparison,
            TreatMissingData = missing,
            AlarmDescription = $"{symptom}\nRunbook: {runbook}",
        });
        var action = new SnsAction(OnCall);
        alarm.AddAlarmAction(action);
        alarm.AddOkAction(action);
        _alarms.Add(alarm);
    }
}
