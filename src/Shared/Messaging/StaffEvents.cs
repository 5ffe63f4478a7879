namespace BookingAws.Shared.Messaging;

/// <summary>
/// An owner of business <paramref name="TenantId"/> invited <paramref name="Email"/> as <paramref name="Role"/>: the
/// workers email the invitation with the dashboard's address. The membership is read again before sending, so an
/// invitation withdrawn meanwhile is not sent.
/// </summary>
/// <param name="InvitedBy">The inviting owner's name as the business knows them (the email's greeting).</param>
public sealed record StaffInvited(Guid TenantId, Guid StaffUserId, string Email, string Role, string InvitedBy) : ITenantEvent
{
    public static string WireName => "staff.invited.v1";
}
