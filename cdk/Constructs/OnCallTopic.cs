using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Constructs;

namespace BookingAws.Cdk.Constructs;

/// <summary>
/// An encrypted, TLS-only SNS topic on-call subscribes to, and the alarms that publish to it. Every alarm names
/// its runbook section (<see cref="RunbookFile"/>#anchor): what it means, how to confirm, what to do.
/// Not a construct of its own: the key and topic keep the ids (and so the ARN subscribers confirmed) they had
/// when the Observability stack made them directly.
/// </summary>
public sealed class OnCallTopic
{
    public const string RunbookFile = "RUNBOOK.md";
    private readonly List<Alarm> _alarms = [];

    public Topic Topic { get; }
    public IReadOnlyList<Alarm> Alarms => _alarms;

    public OnCallTopic(Construct scope, string stageName, string? email)
    {
        var key = new Key(scope, "OnCallKey", new KeyProps
        {
            Description = "Encrypts the BookingAws on-call topic",
            EnableKeyRotation = true,
        });
        // CloudWatch alarms and EventBridge rules publish as services; they need the key of an encrypted topic.
        key.GrantEncryptDecrypt(new ServicePrincipal("cloudwatch.amazonaws.com"));
        key.GrantEncryptDecrypt(new ServicePrincipal("events.amazonaws.com"));
        Topic = new Topic(scope, "OnCall", new TopicProps
        {
            DisplayName = $"BookingAws {stageName} on-call",
            MasterKey = key,
        });
        // Stated explicitly: the pinned CDK version's EnforceSSL option does not emit this policy.
        Topic.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Effect = Effect.DENY,
            Principals = [new AnyPrincipal()],
            Actions = ["sns:Publish"],
            Resources = [Topic.TopicArn],
            Conditions = new Dictionary<string, object>
            {
                ["Bool"] = new Dictionary<string, object> { ["aws:SecureTransport"] = "false" },
            },
        }));
        if (email is not null)
        {
            Topic.AddSubscription(new EmailSubscription(email));
        }
    }

    /// <summary>The description line every alarm and event notification ends with.</summary>
    public static string RunbookLine(string anchor) => $"Runbook: {RunbookFile}#{anchor}";

    /// <summary>
    /// One alarm on one symptom. <paramref name="symptom"/> says what the user notices and why the threshold is
    /// where it is; <paramref name="anchor"/> is the RUNBOOK.md section (checked by a test).
    /// </summary>
    public Alarm Add(Construct scope, string id, string anchor, IMetric metric, double threshold, int periods,
        ComparisonOperator comparison, string symptom, TreatMissingData missing = TreatMissingData.NOT_BREACHING, int? datapoints = null)
    {
        var alarm = new Alarm(scope, id, new AlarmProps
        {
            Metric = metric,
            Threshold = threshold,
            EvaluationPeriods = periods,
            DatapointsToAlarm = datapoints ?? periods,
            ComparisonOperator = comparison,
            TreatMissingData = missing,
            AlarmDescription = $"{symptom}\n{RunbookLine(anchor)}",
        });
        var action = new SnsAction(Topic);
        alarm.AddAlarmAction(action);
        alarm.AddOkAction(action);
        _alarms.Add(alarm);
        return alarm;
    }
}
