using System.Text.Json;
using Amazon.CDK.Assertions;

namespace BookingAws.Cdk.Tests;

public sealed class EmailStackTests(ProdPlatform prod, DevPlatform dev, GrantProbe probe)
    : IClassFixture<ProdPlatform>, IClassFixture<DevPlatform>, IClassFixture<GrantProbe>
{
    [Fact]
    public void The_configured_domain_is_an_ses_identity_signed_with_easy_dkim()
    {
        prod.Email.HasResourceProperties("AWS::SES::EmailIdentity", new Dictionary<string, object>
        {
            ["EmailIdentity"] = ProdPlatform.EmailDomain,
            ["DkimAttributes"] = new Dictionary<string, object> { ["SigningEnabled"] = true },
            ["DkimSigningAttributes"] = new Dictionary<string, object> { ["NextSigningKeyLength"] = "RSA_2048_BIT" },
            ["ConfigurationSetAttributes"] = Match.ObjectLike(new Dictionary<string, object> { ["ConfigurationSetName"] = Match.AnyValue() }),
        });
    }

    [Fact]
    public void Dev_falls_back_to_a_placeholder_domain_and_the_sender_defaults_to_bookings_at_it()
    {
        dev.Email.HasResourceProperties("AWS::SES::EmailIdentity", new Dictionary<string, object>
        {
            ["EmailIdentity"] = StageConfig.DevPlaceholderEmailDomain,
        });
        Assert.Equal($"bookings@{StageConfig.DevPlaceholderEmailDomain}", dev.Platform.Email.FromAddress);
        Assert.Equal($"bookings@{ProdPlatform.EmailDomain}", prod.Platform.Email.FromAddress);
    }

    [Fact]
    public void Configuration_set_keeps_reputation_metrics_and_sending_on()
    {
        prod.Email.HasResourceProperties("AWS::SES::ConfigurationSet", new Dictionary<string, object>
        {
            ["ReputationOptions"] = new Dictionary<string, object> { ["ReputationMetricsEnabled"] = true },
            ["SendingOptions"] = new Dictionary<string, object> { ["SendingEnabled"] = true },
        });
    }

    [Fact]
    public void Bounces_complaints_and_failures_go_to_the_encrypted_events_topic()
    {
        var topic = prod.Email.GetLogicalId(prod.Platform.Email.EventsTopic);
        prod.Email.HasResourceProperties("AWS::SES::ConfigurationSetEventDestination", new Dictionary<string, object>
        {
            ["EventDestination"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Enabled"] = true,
                ["MatchingEventTypes"] = new[] { "bounce", "complaint", "reject", "renderingFailure", "deliveryDelay" },
                ["SnsDestination"] = new Dictionary<string, object> { ["TopicARN"] = new Dictionary<string, object> { ["Ref"] = topic } },
            }),
        });
        prod.Email.HasResourceProperties("AWS::SNS::Topic", new Dictionary<string, object>
        {
            ["KmsMasterKeyId"] = Match.ObjectLike(new Dictionary<string, object> { ["Fn::GetAtt"] = Match.ArrayWith([Match.StringLikeRegexp("EventsKey")]) }),
        });
    }

    [Fact]
    public void Ses_may_publish_to_the_topic_and_use_its_key_for_its_configuration_sets_only()
    {
        prod.Email.HasResourceProperties("AWS::SNS::TopicPolicy", new Dictionary<string, object>
        {
            ["PolicyDocument"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Statement"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Action"] = "sns:Publish",
                    ["Effect"] = "Allow",
                    ["Principal"] = new Dictionary<string, object> { ["Service"] = "ses.amazonaws.com" },
                    ["Condition"] = Match.ObjectLike(new Dictionary<string, object> { ["StringEquals"] = Match.ObjectLike(new Dictionary<string, object> { ["AWS:SourceArn"] = Match.AnyValue() }) }),
                })]),
            }),
        });
        var key = Assert.Single(PlatformFixture.Resources(prod.Email, "AWS::KMS::Key")).Value.ToJsonString();
        Assert.Contains("ses.amazonaws.com", key, StringComparison.Ordinal);
        Assert.Contains("configuration-set/*", key, StringComparison.Ordinal);
    }

    [Fact]
    public void The_email_events_queue_is_subscribed_has_a_dead_letter_queue_and_admits_only_the_topic()
    {
        var email = prod.Platform.Email;
        var topic = prod.Email.GetLogicalId(email.EventsTopic);
        var queue = prod.Email.GetLogicalId(email.EventsQueue.Queue);
        prod.Email.HasResourceProperties("AWS::SNS::Subscription", new Dictionary<string, object>
        {
            ["Protocol"] = "sqs",
            ["TopicArn"] = new Dictionary<string, object> { ["Ref"] = topic },
            ["Endpoint"] = new Dictionary<string, object> { ["Fn::GetAtt"] = new[] { queue, "Arn" } },
        });
        prod.Email.HasResourceProperties("AWS::SQS::Queue", new Dictionary<string, object>
        {
            ["RedrivePolicy"] = Match.ObjectLike(new Dictionary<string, object> { ["maxReceiveCount"] = 5 }),
        });
        prod.Email.HasResourceProperties("AWS::SQS::QueuePolicy", new Dictionary<string, object>
        {
            ["Queues"] = new[] { new Dictionary<string, object> { ["Ref"] = queue } },
            ["PolicyDocument"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Statement"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Action"] = "sqs:SendMessage",
                    ["Principal"] = new Dictionary<string, object> { ["Service"] = "sns.amazonaws.com" },
                    ["Condition"] = new Dictionary<string, object>
                    {
                        ["ArnEquals"] = new Dictionary<string, object> { ["aws:SourceArn"] = new Dictionary<string, object> { ["Ref"] = topic } },
                    },
                })]),
            }),
        });
    }

    [Fact]
    public void The_three_dkim_records_and_the_worker_settings_are_stack_outputs()
    {
        var outputs = prod.Email.FindOutputs("*");
        foreach (var name in new[] { "DkimRecord1", "DkimRecord2", "DkimRecord3", "EmailFromAddress", "EmailConfigurationSetName", "EmailEventsQueueUrl" })
        {
            Assert.True(outputs.ContainsKey(name), name);
        }
        Assert.Contains("DkimDNSTokenName1", JsonSerializer.Serialize(outputs["DkimRecord1"]), StringComparison.Ordinal);
        Assert.Contains("DkimDNSTokenValue1", JsonSerializer.Serialize(outputs["DkimRecord1"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Workers_send_only_from_the_identity_with_the_configuration_set()
    {
        var policies = PlatformFixture.Resources(probe.Roles, "AWS::IAM::Policy");
        var workers = Assert.Single(policies, p => p.Key.StartsWith("Workers", StringComparison.Ordinal)).Value;
        var send = Assert.Single(workers["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray(),
            st => st!["Action"]!.ToJsonString().Contains("ses:", StringComparison.Ordinal))!;
        Assert.Equal(["ses:SendEmail", "ses:SendRawEmail"], send["Action"]!.AsArray().Select(a => a!.GetValue<string>()).Order().ToArray());
        // SES v2 authorizes a send against the identity and the configuration set; both, and only they, are granted.
        var resources = send["Resource"]!.AsArray().Select(r => r!.ToJsonString()).ToList();
        Assert.Equal(2, resources.Count);
        Assert.Single(resources, r => r.Contains(":identity/", StringComparison.Ordinal) && r.Contains("Identity", StringComparison.Ordinal));
        Assert.Single(resources, r => r.Contains(":configuration-set/", StringComparison.Ordinal) && r.Contains("ConfigurationSet", StringComparison.Ordinal));
        Assert.Equal(["Ses__ConfigurationSetName", "Ses__FromAddress", "Sqs__Queues__EmailEvents"], probe.Email.WorkerEnvironment.Keys.Order().ToArray());
    }

    [Fact]
    public void Workers_may_receive_and_delete_email_events()
    {
        probe.Roles.HasResourceProperties("AWS::IAM::Policy", new Dictionary<string, object>
        {
            ["PolicyDocument"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Statement"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Action"] = Match.ArrayWith(["sqs:DeleteMessage", "sqs:ReceiveMessage"]),
                    ["Effect"] = "Allow",
                })]),
            }),
        });
    }

    [Fact]
    public void The_api_may_create_owners_in_the_pool_and_nothing_more()
    {
        var policies = PlatformFixture.Resources(probe.Roles, "AWS::IAM::Policy");
        var api = Assert.Single(policies, p => p.Key.StartsWith("Api", StringComparison.Ordinal)).Value;
        var statement = Assert.Single(api["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray())!;
        Assert.Equal(
            ["cognito-idp:AdminCreateUser", "cognito-idp:AdminGetUser"],
            statement["Action"]!.AsArray().Select(a => a!.GetValue<string>()).Order().ToArray());
        Assert.Matches("Identity:ExportsOutputFnGetAttUsers[0-9A-F]+Arn", statement["Resource"]!.ToJsonString());
    }
}
