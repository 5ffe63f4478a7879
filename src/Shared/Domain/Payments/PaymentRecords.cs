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

    /// <summary>
    /// The booking's policy snapshot the refund was decided under (<see cref="RefundPolicyVersion"/>), so a
    /// refund can be explained later whatever the business's policy has become since.
    /// </summary>
    public string? PolicyVersion { get; init; }

    public Instant CreatedAt { get; init; }
    public Instant UpdatedAt { get; init; }
}

/// <summary>A Stripe webhook event seen by the platform; the id makes redeliveries harmless.</summary>
public sealed class StripeEventRecord
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public string? PaymentIntentId { get; init; }

    /// <summary>When Stripe created the event (its <c>created</c>): tells an event that arrives after a newer one.</summary>
    public Instant? EventCreatedAt { get; init; }

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

    /// <summary>Paid online for a booking that was already settled otherwise (paid in person, or by another payment).</summary>
    public const string DuplicatePayment = "duplicate_payment";

    /// <summary>The amount or currency paid is not the booking's: the payment never confirms and is given back.</summary>
    public const string AmountMismatch = "amount_mismatch";

    /// <summary>Refunds decided by the payment flow, not by the booking model: once decided, they stand.</summary>
    public static readonly IReadOnlySet<string> DecidedByPayment = new HashSet<string>([HoldLapsed, HoldCancelled, DuplicatePayment, AmountMismatch]);

    /// <summary>What the customer is told (the refund email shows it as the reason).</summary>
    public static string Describe(string reason) => reason switch
    {
        HoldLapsed => "Your payment arrived after your reservation had expired and the time was no longer available, so we refunded it in full.",
        HoldCancelled => "Your payment arrived after the booking had been cancelled, so we refunded it in full.",
        Cancellation => "Your booking was cancelled; the refund follows the business's cancellation policy.",
        DuplicatePayment => "Your booking had already been paid, so we refunded this second payment in full.",
        AmountMismatch => "Your payment did not match the price of the booking, so we refunded it in full and did not confirm the booking.",
        _ when OwnerRefund.IsOwners(reason) => $"The business refunded you: {reason[OwnerRefund.ReasonPrefix.Length..]}.",
        _ => "Your payment was refunded.",
    };
}
