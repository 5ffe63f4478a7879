using NodaTime;

namespace BookingAws.Shared.Domain.Tenants;

public sealed class Tenant
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Slug { get; set; }
    public required string Name { get; set; }

    /// <summary>IANA zone id; every calendar rule (hours, closures, reminders) is read in this zone.</summary>
    public required string TimeZone { get; set; }

    /// <summary>ISO 4217 code; all prices of the tenant use it.</summary>
    public required string Currency { get; set; }

    public BookingPolicy Policy { get; set; } = new();
    public string? StripeAccountId { get; set; }
    public Instant CreatedAt { get; init; }
    public uint Version { get; set; }
}

public enum RefundRule
{
    /// <summary>Full refund before the cancellation window closes, nothing after.</summary>
    FullBeforeWindow,

    /// <summary>Full refund before the window, <see cref="BookingPolicy.LateRefundPercent"/> after.</summary>
    PartialAfterWindow,

    /// <summary>No refunds.</summary>
    None,
}

/// <summary>A tenant's rules for what can be booked and changed when. Durations are minutes.</summary>
public sealed record BookingPolicy
{
    public int LeadTimeMinutes { get; init; } = 60;
    public int HorizonDays { get; init; } = 90;
    public int SlotStepMinutes { get; init; } = 30;
    public int BufferBeforeMinutes { get; init; }
    public int BufferAfterMinutes { get; init; }
    public int HoldMinutes { get; init; } = 10;
    public int RescheduleWindowHours { get; init; } = 24;
    public int CancellationWindowHours { get; init; } = 24;
    public RefundRule RefundRule { get; init; } = RefundRule.FullBeforeWindow;
    public int LateRefundPercent { get; init; }

    /// <summary>How long a seat offered to the first person on a waiting list is held for them (live, like <see cref="HoldMinutes"/>).</summary>
    public int WaitlistOfferMinutes { get; init; } = 30;
}
