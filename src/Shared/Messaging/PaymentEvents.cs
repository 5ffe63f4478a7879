namespace BookingAws.Shared.Messaging;

/// <summary>
/// Money went back to the customer: a late payment for a hold that lapsed or was cancelled, or a
/// cancellation refund. <see cref="Reason"/> tells the notification which explanation to send.
/// </summary>
public sealed record PaymentRefunded(
    Guid TenantId, Guid BookingId, string PaymentIntentId, long AmountMinor, string Currency, string Reason) : IBookingEvent
{
    public static string WireName => "payment.refunded.v1";
}
