using System.ComponentModel.DataAnnotations;

namespace BookingAws.Workers.Webhooks;

/// <summary>Settings of webhook delivery, bound from the "Webhooks" section (the API reads <c>AllowLoopbackTargets</c> too).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>The webhook clock's key: tests move it days ahead without moving the relay's and consumers' timers.</summary>
    public const string Clock = "webhooks";

    public bool Enabled { get; set; } = true;

    /// <summary>Lets endpoints point at loopback (and use plain http): for tests and local benchmarks only, never in AWS.</summary>
    public bool AllowLoopbackTargets { get; set; }

    /// <summary>One attempt's limit, connection included; a slower receiver counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How much of a receiver's answer is read (for the attempt log); the rest is dropped unread.</summary>
    [Range(0, 65536)]
    public int MaxResponseBytes { get; set; } = 1024;

    /// <summary>Retries stop this long after the event (or after a redelivery).</summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(72);

    /// <summary>An endpoint failing without a success for this long is turned off and its owner emailed.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Pause between looks for due deliveries when idle; an event fanned out on this instance ends it at once.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(1, 500)]
    public int BatchSize { get; set; } = 50;

    /// <summary>Sends in flight at once per instance.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 16;

    /// <summary>Deliver only this business's rows (tests, whose hosts each move their own clock); null delivers everything.</summary>
    public Guid? TenantId { get; set; }
}
