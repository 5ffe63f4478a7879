namespace BookingAws.Shared.Messaging;

/// <summary>A refund went through at the payment provider (published by the payments flow).</summary>
public sealed record PaymentRefunded(Guid TenantId, Guid BookingId, string PaymentIntentId, long AmountMinor, string Currency, string Reason) : IBookingEvent
{
    public static string WireName => "payment.refunded.v1";
}
