namespace BookingAws.Shared.Messaging;

/// <summary>
/// Someone asked the portal of business <paramref name="TenantId"/> for a sign-in code for <paramref name="Email"/>.
/// The code is not in the message: the workers derive it from <paramref name="Challenge"/> and the address with the
/// API's keys, so it is never stored or queued.
/// </summary>
public sealed record CustomerSignInRequested(Guid TenantId, string Email, string Challenge, DateTimeOffset ExpiresAt) : ITenantEvent
{
    public static string WireName => "customer.sign-in-requested.v1";
}
