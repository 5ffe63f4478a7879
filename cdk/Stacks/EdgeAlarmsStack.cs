using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.SNS;
using BookingAws.Cdk.Constructs;
using Constructs;

namespace BookingAws.Cdk.Stacks;

public sealed class EdgeAlarmsStackProps : StackProps
{
    public required StageConfig Stage { get; init; }
    public required string DistributionId { get; init; }

    /// <summary>The web ACL's name: WAF's metric dimension <c>WebACL</c>.</summary>
    public required string WebAclName { get; init; }
}

/// <summary>
/// CloudFront and WAF (CLOUDFRONT scope) publish their metrics only in us-east-1 and an alarm can only watch
/// metrics of its own region, so their alarms live here, with an on-call topic of their own (SNS cannot
/// deliver an alarm to a topic in another region). Subscribe on-call to both topics.
/// </summary>
public sealed class EdgeAlarmsStack : Stack
{
    private static readonly Duration FiveMinutes = Duration.Minutes(5);
    private readonly OnCallTopic _onCall;

    public Topic OnCall => _onCall.Topic;
    public IReadOnlyList<Alarm> Alarms => _onCall.Alarms;

    public EdgeAlarmsStack(Construct scope, string id, EdgeAlarmsStackProps props) : base(scope, id, props)
    {
        _onCall = new OnCallTopic(this, props.Stage.Name, props.Stage.AlarmEmail);

        var cloudFront5xx = new Metric(new MetricProps
        {
            Namespace = "AWS/CloudFront",
            MetricName = "5xxErrorRate",
            DimensionsMap = new Dictionary<string, string> { ["DistributionId"] = props.DistributionId, ["Region"] = "Global" },
            Statistic = "Average",
            Period = FiveMinutes,
        });
        _onCall.Add(this, "CloudFront5xxRate", "cloudfront-5xx-rate", cloudFront5xx, 5, 2, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "More than 5% of viewer requests answered 5xx by CloudFront for 10 minutes (origin unreachable, TLS to the origin failing, or the API failing): customers see errors.");

        Metric Waf(string name) => new(new MetricProps
        {
            Namespace = "AWS/WAFV2",
            MetricName = name,
            DimensionsMap = new Dictionary<string, string> { ["WebACL"] = props.WebAclName, ["Rule"] = "ALL" },
            Statistic = "Sum",
            Period = FiveMinutes,
        });
        var blocked = Waf("BlockedRequests");
        var allowed = Waf("AllowedRequests");
        var blockShare = new MathExpression(new MathExpressionProps
        {
            Expression = "IF(blocked + allowed > 500, 100 * blocked / (blocked + allowed), 0)",
            UsingMetrics = new Dictionary<string, IMetric> { ["blocked"] = blocked, ["allowed"] = allowed },
            Label = "Blocked %",
            Period = FiveMinutes,
        });
        _onCall.Add(this, "WafBlockSpike", "waf-block-spike", blockShare, 20, 2, ComparisonOperator.GREATER_THAN_THRESHOLD,
            "WAF blocks more than 20% of requests for 10 minutes (at over 500 requests per 5 minutes; normally a few %): an attack, or a rule blocking real customers.");
    }
}
