namespace BookingAws.Api.Features.Payments;

/// <summary>
/// How to pay for a hold. <c>ready</c>: confirm <see cref="ClientSecret"/> with Stripe.js.
/// <c>unavailable</c>: Stripe did not answer in time; the hold stands until it expires, and the client
/// may POST <see cref="RetryUrl"/> to get the PaymentIntent (the same one, never a second).
/// </summary>
public sealed record HoldPaymentDto(string Status, string? PaymentIntentId, string? ClientSecret, string? RetryUrl)
{
    public const string Ready = "ready";
    public const string Unavailable = "unavailable";

    public static HoldPaymentDto For(string paymentIntentId, string clientSecret) => new(Ready, paymentIntentId, clientSecret, null);

    public static HoldPaymentDto Retry(Guid bookingId) => new(Unavailable, null, null, $"/api/v1/bookings/{bookingId}/payment");
}
