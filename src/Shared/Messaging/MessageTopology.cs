namespace BookingAws.Shared.Messaging;

/// <summary>
/// The one place that says which queues exist, which messages go to which queue and what feeds them. The outbox
/// relay, the queue settings, the workers' default consumers and their start-up check, the local queues
/// (<c>tools/local/queues.json</c>) and the CDK queues, dead-letter queues, schedules and alarms are all derived
/// from it. Handlers are registered in the workers, one line per (handler, message, queue), and must match it.
/// This file and the message records it names compile on their own: the CDK project links them as sources.
/// </summary>
public static class MessageTopology
{
    public static readonly QueueDeclaration Notifications = new("notifications");

    public static readonly QueueDeclaration Analytics = new("analytics");

    /// <summary>Payment handlers call Stripe: longer before a retry, more attempts before the DLQ.</summary>
    public static readonly QueueDeclaration Payments = new("payments") { VisibilityTimeout = TimeSpan.FromSeconds(120), MaxReceiveCount = 8 };

    /// <summary>Live pushes to the portal: a push minutes late is worthless (clients refetch on reconnect), so they
    /// are kept briefly, tried a few times, and a failed send never holds back the queues that matter.</summary>
    public static readonly QueueDeclaration Availability = new("availability")
    {
        VisibilityTimeout = TimeSpan.FromSeconds(30),
        MaxReceiveCount = 3,
        Retention = TimeSpan.FromMinutes(5),
        BestEffort = true,
    };

    /// <summary>Business webhooks: the handler only fans an event out into delivery rows (retries over 72 hours live in
    /// those rows, beyond SQS's 15-minute delay), so the defaults fit.</summary>
    public static readonly QueueDeclaration Webhooks = new("webhooks");

    /// <summary>SES bounce and complaint events, SNS-wrapped; no outbox route reaches it.</summary>
    public static readonly QueueDeclaration EmailEvents = new("email-events") { FedBy = QueueFeed.SesThroughSns };

    public static IReadOnlyList<QueueDeclaration> Queues { get; } = [Notifications, Analytics, Payments, Availability, Webhooks, EmailEvents];

    /// <summary>Outbox events and the queues that receive them; the relay sends one message per queue.</summary>
    public static IReadOnlyList<RouteDeclaration> Routes { get; } =
    [
        // Notifications: a guest's hold emails the one-time code that proves the address.
        // Webhooks: the events a business can subscribe to are exactly those routed there (WebhookEvents.Types).
        Route<BookingHeld>(Notifications, Analytics, Availability, Webhooks),
        Route<BookingConfirmed>(Notifications, Analytics, Availability, Webhooks),
        Route<BookingCancelled>(Notifications, Analytics, Availability, Webhooks),
        Route<BookingExpired>(Analytics, Availability, Webhooks),
        Route<BookingRescheduled>(Notifications, Analytics, Availability, Webhooks),
        Route<BookingCompleted>(Analytics, Webhooks),

        // Availability: the dashboards watching the business learn of the mark through the same hub push (a portal on
        // that day refetches its slots once, which is harmless). Webhooks: a business's own check-in systems want it.
        Route<BookingAttendanceMarked>(Availability, Webhooks),
        Route<BookingReminderDue>(Notifications),
        Route<PaymentRefunded>(Notifications, Webhooks),

        // Webhooks only: the guest's confirmation email already says the booking is paid, and analytics counts the
        // confirmation.
        Route<PaymentSucceeded>(Webhooks),

        // A business's CRM or mailing list follows its customers (guests created by a hold or a waiting list too).
        Route<CustomerCreated>(Webhooks),
        Route<CustomerUpdated>(Webhooks),

        // The offer email of a waiting list (the offer's held booking travels as BookingHeld beside it).
        Route<WaitlistOfferMade>(Notifications),

        // A customer asked the portal for a sign-in code: the workers email it.
        Route<CustomerSignInRequested>(Notifications),

        // An owner invited someone to their business's staff: the workers email the invitation.
        Route<StaffInvited>(Notifications),
    ];

    /// <summary>EventBridge Scheduler schedules in AWS (local timers stand in for the reminders and retention ones).</summary>
    public static IReadOnlyList<ScheduleDeclaration> Schedules { get; } =
    [
        // Hourly, so every tenant's local reminder hour is met; workers claim each reminder once.
        Schedule<RemindersDue>("DailyReminders", "cron(0 * * * ? *)", Notifications),

        // Holds that outlived their expiry are settled against Stripe.
        Schedule<PaymentReconciliationDue>("PaymentReconciliation", "rate(15 minutes)", Payments),

        // Old bookkeeping rows are purged in batches; the least urgent queue carries the tick.
        Schedule<RetentionPurgeDue>("RetentionPurge", "rate(1 hour)", Analytics),
    ];

    /// <summary>Every (message type, queue) pair some producer sends: outbox routes and schedules.</summary>
    public static IEnumerable<(string MessageType, QueueDeclaration Queue)> Deliveries =>
        Routes.SelectMany(r => r.Queues.Select(q => (r.MessageType, q)))
            .Concat(Schedules.Select(s => (s.MessageType, s.Queue)));

    /// <summary>The queues the outbox relay sends a row of <paramref name="messageType"/> to; none if unrouted.</summary>
    public static IReadOnlyList<QueueDeclaration> QueuesFor(string messageType) =>
        Routes.FirstOrDefault(r => r.MessageType == messageType)?.Queues ?? [];

    public static QueueDeclaration? Find(string name) => Queues.FirstOrDefault(q => q.Name == name);

    private static RouteDeclaration Route<TMessage>(params QueueDeclaration[] queues)
        where TMessage : IMessage => new(TMessage.WireName, queues);

    private static ScheduleDeclaration Schedule<TMessage>(string id, string expression, QueueDeclaration queue)
        where TMessage : IMessage => new(id, expression, TMessage.WireName, queue);
}

/// <summary>Who puts messages on a queue.</summary>
public enum QueueFeed
{
    /// <summary>The outbox relay (and schedules): messages carry the outbox's attributes and a wire name.</summary>
    Outbox,

    /// <summary>SES publishes to an SNS topic subscribed to the queue; every message goes to one raw handler.</summary>
    SesThroughSns,
}

/// <param name="Name">The concern, kebab-case (<c>email-events</c>): consumer list, local queue names, logs.</param>
public sealed record QueueDeclaration(string Name)
{
    /// <summary>How long a handler may hold a message before another worker sees it again.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Receives before a message is judged poison and parked in the DLQ.</summary>
    public int MaxReceiveCount { get; init; } = 5;

    /// <summary>How long an unhandled message is worth keeping.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(4);

    /// <summary>Delivery is a hint: the relay tries briefly, logs a failure and never holds the row back for it.</summary>
    public bool BestEffort { get; init; }

    public QueueFeed FedBy { get; init; } = QueueFeed.Outbox;

    /// <summary>PascalCase name: the settings key (<c>Sqs__Queues__EmailEvents</c>) and the CDK construct id.</summary>
    public string Key => string.Concat(Name.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));

    /// <summary>The queue's name where settings give none (local servers).</summary>
    public string DefaultQueueName => "bookingaws-" + Name;
}

public sealed record RouteDeclaration(string MessageType, IReadOnlyList<QueueDeclaration> Queues);

/// <param name="Id">The schedule's CDK id.</param>
/// <param name="Expression">An EventBridge Scheduler expression, in UTC.</param>
/// <param name="MessageType">The wire name of the message the schedule sends.</param>
/// <param name="Queue">The queue it sends to.</param>
public sealed record ScheduleDeclaration(string Id, string Expression, string MessageType, QueueDeclaration Queue);
