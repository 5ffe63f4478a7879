using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using BookingAws.Cdk.Constructs;
using BookingAws.Shared.Messaging;
using Constructs;

namespace BookingAws.Cdk.Tests;

/// <summary>The queues, dead-letter queues, schedules and DLQ alarms are the ones <see cref="MessageTopology"/> declares.</summary>
public sealed class MessageTopologyStackTests(ProdPlatform prod) : IClassFixture<ProdPlatform>
{
    public static TheoryData<string> Queues => [.. MessageTopology.Queues.Select(q => q.Name)];

    public static TheoryData<string> Schedules => [.. MessageTopology.Schedules.Select(s => s.Id)];

    [Theory]
    [MemberData(nameof(Queues))]
    public void Every_declared_queue_exists_with_its_visibility_retention_and_a_DLQ_after_its_receive_count(string name)
    {
        var declared = MessageTopology.Find(name)!;
        var (template, construct) = Made(declared);

        var queue = Resource(template, construct.Queue)["Properties"]!;
        Assert.Equal((int)declared.VisibilityTimeout.TotalSeconds, (int)queue["VisibilityTimeout"]!);
        Assert.Equal((int)declared.Retention.TotalSeconds, (int)queue["MessageRetentionPeriod"]!);
        Assert.Equal(declared.MaxReceiveCount, (int)queue["RedrivePolicy"]!["maxReceiveCount"]!);
        Assert.Equal(LogicalId(construct.DeadLetterQueue), queue["RedrivePolicy"]!["deadLetterTargetArn"]!["Fn::GetAtt"]![0]!.ToString());
        Assert.Equal(1209600, (int)Resource(template, construct.DeadLetterQueue)["Properties"]!["MessageRetentionPeriod"]!);
    }

    [Theory]
    [MemberData(nameof(Queues))]
    public void Every_declared_queue_has_one_alarm_on_its_own_DLQ(string name)
    {
        var (_, construct) = Made(MessageTopology.Find(name)!);
        var dlq = LogicalId(construct.DeadLetterQueue);

        // Cross-stack: the alarm's QueueName dimension imports the DLQ's name, an export named after its logical id.
        var alarms = PlatformFixture.Resources(prod.Observability, "AWS::CloudWatch::Alarm", new Dictionary<string, object>
        {
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object> { ["MetricName"] = "ApproximateNumberOfMessagesVisible" }),
        }).Values.Where(a => a["Properties"]!["Dimensions"]!.ToJsonString().Contains($"FnGetAtt{dlq}QueueName", StringComparison.Ordinal));

        Assert.Single(alarms);
    }

    [Fact]
    public void No_stack_makes_a_queue_the_topology_does_not_declare()
    {
        var made = prod.Templates.Values.Sum(t => t.FindResources("AWS::SQS::Queue").Count);

        Assert.Equal(2 * MessageTopology.Queues.Count, made);
    }

    [Theory]
    [MemberData(nameof(Schedules))]
    public void Every_declared_schedule_sends_its_message_type_to_its_queue(string id)
    {
        var declared = MessageTopology.Schedules.Single(s => s.Id == id);
        var target = prod.Platform.Messaging.ByConcern[declared.Queue.Key];

        prod.Messaging.HasResourceProperties("AWS::Scheduler::Schedule", new Dictionary<string, object>
        {
            ["ScheduleExpression"] = declared.Expression,
            ["Target"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Arn"] = new Dictionary<string, object> { ["Fn::GetAtt"] = new[] { LogicalId(target.Queue), "Arn" } },
                ["Input"] = $$"""{"type":"{{declared.MessageType}}","at":"<aws.scheduler.scheduled-time>"}""",
            }),
        });
    }

    private (Template Template, QueueWithDeadLetter Construct) Made(QueueDeclaration declared)
    {
        var construct = Platform.DeclaredQueues(prod.Platform.Messaging, prod.Platform.Email)[declared.Key];
        return (prod.TemplateOf(Stack.Of(construct)), construct);
    }

    private static string LogicalId(IConstruct resource) => Stack.Of(resource).GetLogicalId((CfnElement)resource.Node.DefaultChild!);

    private static JsonNode Resource(Template template, IConstruct resource) =>
        PlatformFixture.Resources(template, "AWS::SQS::Queue")[LogicalId(resource)];
}
