using System.ComponentModel.DataAnnotations;
using BookingAws.Shared.Data.Retention;
using BookingAws.Shared.Messaging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace BookingAws.Workers;

/// <summary>Settings of the workers host, bound from the "Workers" section.</summary>
public sealed class WorkerOptions
{
    public const string Section = "Workers";

    public RelayOptions Relay { get; set; } = new();

    public ConsumerOptions Consumers { get; set; } = new();

    public ReminderOptions Reminders { get; set; } = new();

    public ReceiptOptions Receipts { get; set; } = new();

    public RetentionOptions Retention { get; set; } = new();

    public PushOptions Push { get; set; } = new();
}

public sealed class PushOptions
{
    /// <summary>At most one live availability push per business per this window on one instance; the first
    /// change after a quiet window is sent at once, later ones together when the window ends.</summary>
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromMilliseconds(250);
}

public sealed class RelayOptions
{
    public bool Enabled { get; set; } = true;

    [Range(1, 500)]
    public int BatchSize { get; set; } = 100;

    /// <summary>Pause between polls when the outbox is empty. A NOTIFY from the outbox trigger ends the pause
    /// at once; the poll is what remains while the LISTEN connection is down.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Wake on the outbox trigger's NOTIFY (channel <c>outbox_messages</c>) instead of waiting for the poll.</summary>
    public bool Listen { get; set; } = true;

    /// <summary>First back-off after a failed publish; doubles per consecutive failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Relay only this tenant's rows (a tenant-dedicated relay, or a test); null relays everything.</summary>
    public Guid? TenantId { get; set; }
}

public sealed class ConsumerOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Queue concerns to consume (names from MessageTopology). Empty means every declared queue.</summary>
    public List<string> Queues { get; set; } = [];

    public IReadOnlyList<string> QueuesOrDefault => Queues.Count > 0 ? Queues : [.. MessageTopology.Queues.Select(q => q.Name)];

    /// <summary>Messages handled at once per queue.</summary>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = 8;

    [Range(0, 20)]
    public int WaitTimeSeconds { get; set; } = 20;

    /// <summary>Visibility while a handler runs; a heartbeat renews it every third of this. Unset means each
    /// queue's declared visibility timeout (MessageTopology), as its queue in AWS has.</summary>
    [Range(2, 43200)]
    public int? VisibilityTimeoutSeconds { get; set; }

    /// <summary>Delay before a failed message returns: base × 2^(receives − 1), capped.</summary>
    [Range(0, 43200)]
    public int RetryBaseDelaySeconds { get; set; } = 5;

    [Range(0, 43200)]
    public int RetryMaxDelaySeconds { get; set; } = 900;

    /// <summary>How long a dependency's outage (SES, SQS, Stripe, the database) is waited out before a message failing
    /// on it is left to the dead-letter queue like a permanent failure. Well inside the queues' four days' retention.</summary>
    public TimeSpan TransientRetryWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long in-flight handlers may finish on shutdown before their messages are released.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(20);
}

public sealed class ReminderOptions
{
    /// <summary>Tenant-local hour from which the next day's reminders go out.</summary>
    [Range(0, 23)]
    public int LocalHour { get; set; } = 18;

    /// <summary>Locally a timer stands in for EventBridge Scheduler; off in AWS.</summary>
    public bool LocalTimerEnabled { get; set; } = true;

    public TimeSpan LocalTimerInterval { get; set; } = TimeSpan.FromMinutes(15);
}

public sealed class ReceiptOptions
{
    /// <summary>Tax rate in percent included in prices (e.g. 20 for UK VAT); 0 shows no tax line.
    /// Tenant-level tax settings belong in the tenant model later; this is the interim setting.</summary>
    [Range(0, 100)]
    public decimal TaxRatePercent { get; set; }

    public string TaxLabel { get; set; } = "VAT";
}

/// <summary>How long bookkeeping rows are kept ("Workers:Retention"); the purge runs on the retention schedule.</summary>
public sealed class RetentionOptions
{
    /// <summary>Stored answers to <c>Idempotency-Key</c> requests; a retry after this is a new request.</summary>
    public TimeSpan IdempotencyKeys { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Handled-message marks; must outlive any redelivery, so never shorter than the queues keep messages.</summary>
    public TimeSpan Inbox { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Outbox rows already sent (unsent rows are never purged).</summary>
    public TimeSpan Outbox { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Stripe webhook event ids (duplicates are recognised while kept; Stripe retries for 3 days).</summary>
    public TimeSpan StripeEvents { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Email delivery records (what was sent to whom, suppressions applied).</summary>
    public TimeSpan EmailDeliveries { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Delivered or given-up webhook deliveries and their attempts (what a business can look back on).</summary>
    public TimeSpan WebhookDeliveries { get; set; } = TimeSpan.FromDays(30);

    public int BatchSize { get; set; } = 1000;

    /// <summary>Locally a timer stands in for the EventBridge schedule; unset means on in Development only.</summary>
    public bool? LocalTimerEnabled { get; set; }

    public TimeSpan LocalTimerInterval { get; set; } = TimeSpan.FromHours(1);

    public RetentionPeriods Periods() => new(
        Duration.FromTimeSpan(IdempotencyKeys),
        Duration.FromTimeSpan(Inbox),
        Duration.FromTimeSpan(Outbox),
        Duration.FromTimeSpan(StripeEvents),
        Duration.FromTimeSpan(EmailDeliveries),
        Duration.FromTimeSpan(WebhookDeliveries));

    /// <summary>Settings that would purge rows still needed; empty when the settings are sound.</summary>
    public IEnumerable<string> Problems()
    {
        var longestQueue = MessageTopology.Queues.Max(q => q.Retention);
        if (Inbox < longestQueue)
        {
            yield return $"Workers:Retention:Inbox must be at least {longestQueue.TotalDays} days, the longest a queue keeps a message.";
        }

        foreach (var (name, period) in new[] { (nameof(IdempotencyKeys), IdempotencyKeys), (nameof(Outbox), Outbox), (nameof(StripeEvents), StripeEvents), (nameof(EmailDeliveries), EmailDeliveries), (nameof(WebhookDeliveries), WebhookDeliveries) })
        {
            if (period < TimeSpan.FromDays(1))
            {
                yield return $"Workers:Retention:{name} must be at least one day.";
            }
        }

        if (BatchSize is < 1 or > 100_000)
        {
            yield return "Workers:Retention:BatchSize must be between 1 and 100000.";
        }
    }
}

/// <summary>Data annotations do not reach nested settings, so the retention ones are checked here at start.</summary>
public sealed class RetentionOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Retention.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
