using Amazon.CDK;
using Amazon.CDK.AWS.WAFv2;
using Constructs;

namespace BookingAws.Cdk.Stacks;

public sealed class WafStackProps : StackProps
{
    public required StageConfig Stage { get; init; }
}

/// <summary>
/// The CloudFront web ACL. WAF requires CLOUDFRONT-scope ACLs to live in us-east-1, so this small stack is
/// deployed there and its ARN reaches the edge stack through CDK's cross-region references (SSM parameters
/// written here and read by a custom resource there), which synthesize offline like any other reference.
/// </summary>
public sealed class WafStack : Stack
{
    /// <summary>Requests per 5 minutes from one IP before it is blocked.</summary>
    public const int RateLimitPer5Minutes = 2000;

    public CfnWebACL WebAcl { get; }

    public WafStack(Construct scope, string id, WafStackProps props) : base(scope, id, props)
    {
        var rules = new List<CfnWebACL.RuleProperty>();
        var priority = 0;
        foreach (var group in new[] { "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesSQLiRuleSet" })
        {
            rules.Add(new CfnWebACL.RuleProperty
            {
                Name = group,
                Priority = priority++,
                OverrideAction = new CfnWebACL.OverrideActionProperty { None = new Dictionary<string, object>() },
                Statement = new CfnWebACL.StatementProperty
                {
                    ManagedRuleGroupStatement = new CfnWebACL.ManagedRuleGroupStatementProperty { VendorName = "AWS", Name = group },
                },
                VisibilityConfig = Visibility(group),
            });
        }
        rules.Add(new CfnWebACL.RuleProperty
        {
            Name = "RatePerIp",
            Priority = priority,
            Action = new CfnWebACL.RuleActionProperty { Block = new CfnWebACL.BlockActionProperty() },
            Statement = new CfnWebACL.StatementProperty
            {
                RateBasedStatement = new CfnWebACL.RateBasedStatementProperty { Limit = RateLimitPer5Minutes, AggregateKeyType = "IP" },
            },
            VisibilityConfig = Visibility("RatePerIp"),
        });

        WebAcl = new CfnWebACL(this, "WebAcl", new CfnWebACLProps
        {
            Scope = "CLOUDFRONT",
            Description = $"BookingAws {props.Stage.Name} edge protection",
            DefaultAction = new CfnWebACL.DefaultActionProperty { Allow = new CfnWebACL.AllowActionProperty() },
            VisibilityConfig = Visibility("BookingAwsEdge"),
            Rules = rules.ToArray(),
        });
    }

    private static CfnWebACL.VisibilityConfigProperty Visibility(string name) => new()
    {
        CloudWatchMetricsEnabled = true,
        SampledRequestsEnabled = true,
        MetricName = name,
    };
}
