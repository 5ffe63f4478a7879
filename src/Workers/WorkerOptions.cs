using System.ComponentModel.DataAnnotations;
using BookingAws.Shared.Messaging;

namespace BookingAws.Workers;

/// <summary>Settings of the workers host, bound from the "Workers" section.</summary>
public sealed class WorkerOptions
{
    public const string Section = "Workers";

    public RelayOptions Relay { get; set; } = new();

    public ConsumerOptions Consumers { get; set; } = new();

    public ReminderOptions Reminders { get; set; } = new();

    public ReceiptOptions Receipts { get; set; } = new();
}

public sealed class RelayOptions
{
    public bool Enabled { get; set; } = true;

    [Range(1, 500)]
    public int BatchSize { get; set; } = 100;

    /// <summary>Pause between polls when the outbox is empty.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

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
