using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Scheduler;
using BookingAws.Cdk.Constructs;
using BookingAws.Shared.Messaging;
using Constructs;

namespace BookingAws.Cdk.Stacks;

public sealed class MessagingStackProps : StackProps
{
    public required StageConfig Stage { get; init; }
}

/// <summary>One queue (+ DLQ) per queue the outbox feeds, and the schedules that feed the periodic jobs, all as
/// <see cref="MessageTopology"/> declares them. The SES-fed queue lives in the Email stack beside its topic.</summary>
public sealed class MessagingStack : Stack
{
    /// <summary>The outbox-fed queues by key (<c>Notifications</c> …): the <c>Sqs__Queues__&lt;key&gt;</c> settings.</summary>
    public IReadOnlyDictionary<string, QueueWithDeadLetter> ByConcern { get; }

    public MessagingStack(Construct scope, string id, MessagingStackProps props) : base(scope, id, props)
    {
        ByConcern = MessageTopology.Queues
            .Where(q => q.FedBy == QueueFeed.Outbox)
            .ToDictionary(q => q.Key, q => new QueueWithDeadLetter(this, q));

        var schedulerRole = new Role(this, "SchedulerRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("scheduler.amazonaws.com"),
            Description = "Lets EventBridge Scheduler send the periodic job messages",
        });
        // The role also sends to the DLQs: Scheduler parks undeliverable invocations there.
        foreach (var target in MessageTopology.Schedules.Select(s => ByConcern[s.Queue.Key]).Distinct())
        {
            target.Queue.GrantSendMessages(schedulerRole);
            target.DeadLetterQueue.GrantSendMessages(schedulerRole);
        }

        foreach (var schedule in MessageTopology.Schedules)
        {
            Schedule(schedule, ByConcern[schedule.Queue.Key], schedulerRole);
        }
    }

    private void Schedule(ScheduleDeclaration schedule, QueueWithDeadLetter target, Role role) =>
        _ = new CfnSchedule(this, schedule.Id, new CfnScheduleProps
        {
            Description = $"Sends {schedule.MessageType} to the {schedule.Queue.Name} queue",
            ScheduleExpression = schedule.Expression,
            ScheduleExpressionTimezone = "UTC",
            FlexibleTimeWindow = new CfnSchedule.FlexibleTimeWindowProperty { Mode = "OFF" },
            State = "ENABLED",
            Target = new CfnSchedule.TargetProperty
            {
                Arn = target.Queue.QueueArn,
                RoleArn = role.RoleArn,
                // Written by hand: the serializer would escape the scheduler's <aws.scheduler.scheduled-time> placeholder.
                // The workers read the type from the body, since Scheduler cannot set message attributes.
                Input = $$"""{"type":"{{schedule.MessageType}}","at":"<aws.scheduler.scheduled-time>"}""",
                RetryPolicy = new CfnSchedule.RetryPolicyProperty { MaximumRetryAttempts = 10, MaximumEventAgeInSeconds = 3600 },
                DeadLetterConfig = new CfnSchedule.DeadLetterConfigProperty { Arn = target.DeadLetterQueue.QueueArn },
            },
        });
}
