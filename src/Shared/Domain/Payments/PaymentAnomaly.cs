using NodaTime;

namespace BookingAws.Shared.Domain.Payments;

/// <summary>
/// A money event that should not happen in normal operation, kept for on-call to look into. Not tenant
/// owned on purpose: an unknown PaymentIntent has no business to belong to.
/// </summary>
public sealed class PaymentAnomaly
{
    public Guid Id { get; init; }
    public required string Kind { get; init; }
    public Guid? TenantId { get; init; }
    public Guid? BookingId { get; init; }
    public string? PaymentIntentId { get; init; }
    public string? StripeEventId { get; init; }
    public required string Detail { get; init; }
    public Instant OccurredAt { get; init; }
}

/// <summary>The <c>kind</c> of a <see cref="PaymentAnomaly"/>, also the tag of the anomalies counter.</summary>
public static class PaymentAnomalyKinds
{
    /// <summary>A successful payment whose amount or currency is not the booking's.</summary>
    public const string AmountMismatch = "amount_mismatch";

    /// <summary>A PaymentIntent that belongs to no booking of ours (no metadata, no booking, or unknown to Stripe).</summary>
    public const string UnknownPaymentIntent = "unknown_payment_intent";

    /// <summary>A webhook event id already processed, delivered again.</summary>
    public const string ReplayedEvent = "replayed_event";

    /// <summary>A webhook event older than one already received for the same PaymentIntent.</summary>
    public const string OutOfOrderEvent = "out_of_order_event";

    /// <summary>A second payment for a booking already settled (paid in person or by another payment).</summary>
    public const string DuplicatePayment = "duplicate_payment";
}
