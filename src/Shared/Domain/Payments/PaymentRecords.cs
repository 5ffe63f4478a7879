using NodaTime;

namespace BookingAws.Shared.Domain.Payments;

/// <summary>
/// What the platform knows about a booking's PaymentIntent, and where reconciliation stands with it.
/// Written only by <c>Data/Payments/PaymentStore</c> (raw SQL); mapped so migrations see it.
/// </summary>
public sealed class BookingPayment : ITenantOwned
{
    public Guid BookingId { get; init; }
    public Guid TenantId { get; init; }
    public string? PaymentIntentId { get; init; }

    /// <summary>The PaymentIntent's status as last seen.</summary>
    public string? Status { get; init; }

    /// <summary>The successful charge, once the payment is recorded.</summary>
    public string? ChargeId { get; init; }

    /// <summary>Set when the booking and the payment agree for good; reconciliation skips it from then on.</summary>
    public Instant? SettledAt { get; init; }

    /// <summary>A reconciliation instance has claimed the booking until then.</summary>
    public Instant? LeaseUntil { get; init; }

    public Instant CreatedAt { get; init; }
    public Instant UpdatedAt { get; init; }
}

/// <summary>
/// One refund per booking and reason; the pair is also Stripe's idempotency key, so a refund is asked
/// for at most once however often the request is retried.
/// </summary>
public sealed class PaymentRefund : ITenantOwned
{
    public Guid BookingId { get; init; }
    public required string Reason { get; init; }
    public Guid TenantId { get; init; }
    public required string PaymentIntentId { get; init; }
    public long AmountMinor { get; init; }
    public required string Currency { get; init; }

    /// <summary>pending (not yet accepted by Stripe), succeeded, failed, canceled, requires_action.</summary>
    public required string Status { get; init; }

    public string? StripeRefundId { get; init; }
    public Instant CreatedAt { get; init; }
    public Instant UpdatedAt { get; init; }
}

/// <summary>A Stripe webhook event seen by the platform; the id makes redeliveries harmless.</summary>
public sealed class StripeEventRecord
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public string? PaymentIntentId { get; init; }
    public Instant ReceivedAt { get; init; }
    public Instant? ProcessedAt { get; init; }
}

public static class BookingRefundReasons
{
    /// <summary>Paid after the hold lapsed and the slot could not be kept.</summary>
    public const string HoldLapsed = "hold_lapsed";

    /// <summary>Paid for a hold that had been cancelled.</summary>
    public const string HoldCancelled = "hold_cancelled";

    /// <summary>A confirmed booking was cancelled; the amount follows the tenant's refund rule.</summary>
    public const string Cancellation = "cancellation";

    /// <summary>What the customer is told (the refund email shows it as the reason).</summary>
    public static string Describe(string reason) => reason switch
    {
        HoldLapsed => "Your payment arrived after your reservation had expired and the time was no longer available, so we refunded it in full.",
        HoldCancelled => "Your payment arrived after the booking had been cancelled, so we refunded it in full.",
        Cancellation => "Your booking was cancelled; the refund follows the business's cancellation policy.",
        _ => "Your payment was refunded.",
    };
}
