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

    /// <summary>
    /// Anonymous writes (holds, sign-ups, manage-link changes, payment starts) per IP per minute before the edge
    /// answers 429 itself. Above what the API's own limits allow one address (RateLimits), so a real client
    /// meets the API's precise 429 first; a flood stops here without reaching the instances.
    /// </summary>
    public const int AnonymousWritesPerMinute = 100;

    /// <summary>The API paths of anonymous writes, as the viewer requests them (POST only).</summary>
    public const string AnonymousWritePaths =
        "^/api/v1/(tenants(/[^/]+/bookings)?|bookings/[^/]+/(payment|manage/cancel|manage/reschedule))/?$";

    private const string TooManyBody = "too-many-requests";

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
        rules.Add(AnonymousWritesRule(priority + 1));

        WebAcl = new CfnWebACL(this, "WebAcl", new CfnWebACLProps
        {
            Scope = "CLOUDFRONT",
            Description = $"BookingAws {props.Stage.Name} edge protection",
            DefaultAction = new CfnWebACL.DefaultActionProperty { Allow = new CfnWebACL.AllowActionProperty() },
            VisibilityConfig = Visibility("BookingAwsEdge"),
            Rules = rules.ToArray(),
            CustomResponseBodies = new Dictionary<string, object>
            {
                [TooManyBody] = new CfnWebACL.CustomResponseBodyProperty
                {
                    ContentType = "APPLICATION_JSON",
                    Content = """{"title":"Too many requests","status":429,"detail":"Too many requests from this network address; try again in a minute."}""",
                },
            },
        });
    }

    /// <summary>POSTs to the anonymous write paths, counted per viewer IP over one minute; over the limit, 429.</summary>
    private static CfnWebACL.RuleProperty AnonymousWritesRule(int priority)
    {
        var none = new[] { new CfnWebACL.TextTransformationProperty { Priority = 0, Type = "NONE" } };
        return new CfnWebACL.RuleProperty
        {
            Name = "AnonymousWritesPerIp",
            Priority = priority,
            Action = new CfnWebACL.RuleActionProperty
            {
                Block = new CfnWebACL.BlockActionProperty
                {
                    CustomResponse = new CfnWebACL.CustomResponseProperty
                    {
                        ResponseCode = 429,
                        CustomResponseBodyKey = TooManyBody,
                        ResponseHeaders = new object[] { new CfnWebACL.CustomHTTPHeaderProperty { Name = "Retry-After", Value = "60" } },
                    },
                },
            },
            Statement = new CfnWebACL.StatementProperty
            {
                RateBasedStatement = new CfnWebACL.RateBasedStatementProperty
                {
                    Limit = AnonymousWritesPerMinute,
                    EvaluationWindowSec = 60,
                    AggregateKeyType = "IP",
                    ScopeDownStatement = new CfnWebACL.StatementProperty
                    {
                        AndStatement = new CfnWebACL.AndStatementProperty
                        {
                            Statements = new object[]
                            {
                                new CfnWebACL.StatementProperty
                                {
                                    ByteMatchStatement = new CfnWebACL.ByteMatchStatementProperty
                                    {
                                        FieldToMatch = new CfnWebACL.FieldToMatchProperty { Method = new Dictionary<string, object>() },
                                        PositionalConstraint = "EXACTLY",
                                        SearchString = "POST",
                                        TextTransformations = none,
                                    },
                                },
                                new CfnWebACL.StatementProperty
                                {
                                    RegexMatchStatement = new CfnWebACL.RegexMatchStatementProperty
                                    {
                                        FieldToMatch = new CfnWebACL.FieldToMatchProperty { UriPath = new Dictionary<string, object>() },
                                        RegexString = AnonymousWritePaths,
                                        TextTransformations = none,
                                    },
                                },
                            },
                        },
                    },
                },
            },
            VisibilityConfig = Visibility("AnonymousWritesPerIp"),
        };
    }

    private static CfnWebACL.VisibilityConfigProperty Visibility(string name) => new()
    {
        CloudWatchMetricsEnabled = true,
        SampledRequestsEnabled = true,
        MetricName = name,
    };
}
