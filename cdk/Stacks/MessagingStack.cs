using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Scheduler;
using BookingAws.Cdk.Constructs;
using Constructs;

namespace BookingAws.Cdk.Stacks;

public sealed class MessagingStackProps : StackProps
{
    public required StageConfig Stage { get; init; }
}

/// <summary>One queue (+ DLQ) per concern and the schedules that feed the periodic jobs.</summary>
public sealed class MessagingStack : Stack
{
    /// <summary>Message types the schedules send; the workers dispatch on the <c>type</c> field.</summary>
    public const string DailyRemindersType = "reminders.due.v1";
    public const string ReconciliationType = "schedule.payment-reconciliation.v1";

    public QueueWithDeadLetter Notifications { get; }
    public QueueWithDeadLetter Analytics { get; }
    public QueueWithDeadLetter Payments { get; }
    public QueueWithDeadLetter Availability { get; }

    public IReadOnlyDictionary<string, QueueWithDeadLetter> ByConcern => new Dictionary<string, QueueWithDeadLetter>
    {
        ["Notifications"] = Notifications,
        ["Analytics"] = Analytics,
        ["Payments"] = Payments,
        ["Availability"] = Availability,
    };

    public MessagingStack(Construct scope, string id, MessagingStackProps props) : base(scope, id, props)
    {
        Notifications = new QueueWithDeadLetter(this, "Notifications", new QueueWithDeadLetterProps());
        Analytics = new QueueWithDeadLetter(this, "Analytics", new QueueWithDeadLetterProps());
        // Payment handlers call Stripe; give them longer before a retry and more attempts before the DLQ.
        Payments = new QueueWithDeadLetter(this, "Payments", new QueueWithDeadLetterProps
        {
            VisibilityTimeout = Duration.Seconds(120),
            MaxReceiveCount = 8,
        });
        // Live pushes to the portal: a push minutes late is worthless (clients refetch on reconnect), so
        // they are kept briefly and tried a few times.
        Availability = new QueueWithDeadLetter(this, "Availability", new QueueWithDeadLetterProps
        {
            VisibilityTimeout = Duration.Seconds(30),
            MaxReceiveCount = 3,
            RetentionPeriod = Duration.Minutes(5),
        });

        var schedulerRole = new Role(this, "SchedulerRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("scheduler.amazonaws.com"),
            Description = "Lets EventBridge Scheduler send the periodic job messages",
        });
        // The role also sends to the DLQs: Scheduler parks undeliverable invocations there.
        foreach (var target in new[] { Notifications, Payments })
        {
            target.Queue.GrantSendMessages(schedulerRole);
            target.DeadLetterQueue.GrantSendMessages(schedulerRole);
        }

        // Hourly, so every tenant's local reminder hour is met; workers pick the tenants whose hour it is
        // and claim each reminder once. The tick carries its scheduled time.
        Schedule("DailyReminders", "cron(0 * * * ? *)", Notifications, DailyRemindersType, schedulerRole);
        // Holds that outlived their expiry are settled against Stripe every 15 minutes.
        Schedule("PaymentReconciliation", "rate(15 minutes)", Payments, ReconciliationType, schedulerRole);
    }

    private void Schedule(string id, string expression, QueueWithDeadLetter target, string type, Role role) =>
        _ = new CfnSchedule(this, id, new CfnScheduleProps
        {
            Description = $"Sends {type} to the {target.Node.Id.ToLowerInvariant()} queue",
            ScheduleExpression = expression,
            ScheduleExpressionTimezone = "UTC",
            FlexibleTimeWindow = new CfnSchedule.FlexibleTimeWindowProperty { Mode = "OFF" },
            State = "ENABLED",
            Target = new CfnSchedule.TargetProperty
            {
                Arn = target.Queue.QueueArn,
                RoleArn = role.RoleArn,
                // Written by hand: the serializer would escape the scheduler's <aws.scheduler.scheduled-time> placeholder.
                Input = $$"""{"type":"{{type}}","at":"<aws.scheduler.scheduled-time>"}""",
                RetryPolicy = new CfnSchedule.RetryPolicyProperty { MaximumRetryAttempts = 10, MaximumEventAgeInSeconds = 3600 },
                DeadLetterConfig = new CfnSchedule.DeadLetterConfigProperty { Arn = target.DeadLetterQueue.QueueArn },
            },
        });
}
