using Amazon.CDK.Assertions;
using BookingAws.Shared.Messaging;

namespace BookingAws.Cdk.Tests;

public sealed class MessagingStackTests(ProdPlatform prod) : IClassFixture<ProdPlatform>
{
    /// <summary>The Messaging stack makes the queues the outbox feeds; the SES-fed one is the Email stack's.</summary>
    private static readonly int OutboxQueues = MessageTopology.Queues.Count(q => q.FedBy == QueueFeed.Outbox);

    [Fact]
    public void Each_outbox_queue_has_a_dead_letter_queue()
    {
        prod.Messaging.ResourceCountIs("AWS::SQS::Queue", 2 * OutboxQueues);
        var redriven = PlatformFixture.Resources(prod.Messaging, "AWS::SQS::Queue", new Dictionary<string, object>
        {
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["RedrivePolicy"] = Match.ObjectLike(new Dictionary<string, object> { ["maxReceiveCount"] = Match.AnyValue() }),
            }),
        });
        Assert.Equal(OutboxQueues, redriven.Count);
    }

    [Fact]
    public void Every_queue_is_encrypted()
    {
        foreach (var queue in PlatformFixture.Resources(prod.Messaging, "AWS::SQS::Queue").Values)
        {
            Assert.True((bool)queue["Properties"]!["SqsManagedSseEnabled"]!);
        }
    }

    [Fact]
    public void Dead_letter_queues_keep_messages_for_14_days()
    {
        var dlqs = PlatformFixture.Resources(prod.Messaging, "AWS::SQS::Queue", new Dictionary<string, object>
        {
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object> { ["MessageRetentionPeriod"] = 1209600 }),
        });
        Assert.Equal(OutboxQueues, dlqs.Count);
    }

    [Fact]
    public void Queues_refuse_requests_without_tls()
    {
        prod.Messaging.ResourceCountIs("AWS::SQS::QueuePolicy", 2 * OutboxQueues);
        prod.Messaging.HasResourceProperties("AWS::SQS::QueuePolicy", new Dictionary<string, object>
        {
            ["PolicyDocument"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Statement"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Effect"] = "Deny",
                    ["Condition"] = new Dictionary<string, object>
                    {
                        ["Bool"] = new Dictionary<string, object> { ["aws:SecureTransport"] = "false" },
                    },
                })]),
            }),
        });
    }

    [Fact]
    public void Reminder_ticks_every_hour_and_reconciliation_are_scheduled()
    {
        prod.Messaging.HasResourceProperties("AWS::Scheduler::Schedule", new Dictionary<string, object>
        {
            ["ScheduleExpression"] = "cron(0 * * * ? *)",
            ["Target"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Input"] = "{\"type\":\"reminders.due.v1\",\"at\":\"<aws.scheduler.scheduled-time>\"}",
            }),
        });
        prod.Messaging.HasResourceProperties("AWS::Scheduler::Schedule", new Dictionary<string, object>
        {
            ["ScheduleExpression"] = "rate(15 minutes)",
            ["Target"] = Match.ObjectLike(new Dictionary<string, object> { ["Input"] = Match.StringLikeRegexp("payment-reconciliation") }),
        });
    }

    [Fact]
    public void Retention_purge_ticks_every_hour()
    {
        prod.Messaging.HasResourceProperties("AWS::Scheduler::Schedule", new Dictionary<string, object>
        {
            ["ScheduleExpression"] = "rate(1 hour)",
            ["Target"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Input"] = "{\"type\":\"schedule.retention-purge.v1\",\"at\":\"<aws.scheduler.scheduled-time>\"}",
            }),
        });
    }
}
