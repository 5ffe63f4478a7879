using Amazon.CDK;
using Amazon.CDK.Assertions;
using BookingAws.Cdk.Stacks;
using Regex = System.Text.RegularExpressions.Regex;

namespace BookingAws.Cdk.Tests;

/// <summary>The web ACL alone, synthesized once: the edge's own wall against floods of anonymous writes.</summary>
public sealed class WafStackTests
{
    private static readonly Lazy<Template> Acl = new(() =>
    {
        var app = new App();
        var stack = new WafStack(app, "Waf", new WafStackProps
        {
            Stage = StageConfig.Prod,
            Env = new Amazon.CDK.Environment { Account = "123456789012", Region = "us-east-1" },
        });
        return Template.FromStack(stack);
    });

    [Fact]
    public void Anonymous_writes_are_rate_limited_per_ip_per_minute_and_answered_429()
    {
        Acl.Value.HasResourceProperties("AWS::WAFv2::WebACL", new Dictionary<string, object>
        {
            ["Rules"] = Match.ArrayWith([
                Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Name"] = "AnonymousWritesPerIp",
                    ["Action"] = new Dictionary<string, object>
                    {
                        ["Block"] = new Dictionary<string, object>
                        {
                            ["CustomResponse"] = Match.ObjectLike(new Dictionary<string, object>
                            {
                                ["ResponseCode"] = 429,
                                ["ResponseHeaders"] = new object[] { new Dictionary<string, object> { ["Name"] = "Retry-After", ["Value"] = "60" } },
                            }),
                        },
                    },
                    ["Statement"] = new Dictionary<string, object>
                    {
                        ["RateBasedStatement"] = Match.ObjectLike(new Dictionary<string, object>
                        {
                            ["Limit"] = WafStack.AnonymousWritesPerMinute,
                            ["EvaluationWindowSec"] = 60,
                            ["AggregateKeyType"] = "IP",
                            ["ScopeDownStatement"] = Match.ObjectLike(new Dictionary<string, object>
                            {
                                ["AndStatement"] = new Dictionary<string, object>
                                {
                                    ["Statements"] = Match.ArrayWith([
                                        Match.ObjectLike(new Dictionary<string, object>
                                        {
                                            ["ByteMatchStatement"] = Match.ObjectLike(new Dictionary<string, object> { ["SearchString"] = "POST" }),
                                        }),
                                        Match.ObjectLike(new Dictionary<string, object>
                                        {
                                            ["RegexMatchStatement"] = Match.ObjectLike(new Dictionary<string, object> { ["RegexString"] = WafStack.AnonymousWritePaths }),
                                        }),
                                    ]),
                                },
                            }),
                        }),
                    },
                }),
            ]),
        });
    }

    [Theory]
    [InlineData("/api/v1/tenants", true)]
    [InlineData("/api/v1/tenants/demo/bookings", true)]
    [InlineData("/api/v1/bookings/0193a1b2-0000-7000-8000-000000000000/payment", true)]
    [InlineData("/api/v1/bookings/0193a1b2-0000-7000-8000-000000000000/manage/cancel", true)]
    [InlineData("/api/v1/bookings/0193a1b2-0000-7000-8000-000000000000/manage/reschedule", true)]
    [InlineData("/api/v1/tenants/demo/catalog", false)]
    [InlineData("/api/v1/tenants/demo/bookings/0193a1b2-0000-7000-8000-000000000000/confirm", false)]
    [InlineData("/api/v1/webhooks/stripe", false)]
    public void The_rule_covers_exactly_the_anonymous_write_paths(string path, bool limited) =>
        Assert.Equal(limited, Regex.IsMatch(path, WafStack.AnonymousWritePaths));
}
