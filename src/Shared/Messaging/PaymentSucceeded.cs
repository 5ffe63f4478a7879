namespace BookingAws.Shared.Messaging;

/// <summary>
/// A booking's online payment was accepted: published in the transaction that confirms the booking with it. A
/// payment that is refunded automatically instead (wrong amount, a duplicate, a hold that ended) never confirms
/// anything and publishes only its <see cref="PaymentRefunded"/>.
/// </summary>
public sealed record PaymentSucceeded(Guid TenantId, Guid BookingId, string PaymentIntentId, long AmountMinor, string Currency, DateTimeOffset OccurredAt) : IBookingEvent
{
    public static string WireName => "payment.succeeded.v1";
}
