using NodaTime;

namespace BookingAws.Shared.Domain.Staff;

public static class Roles
{
    public const string Owner = "owner";
    public const string Staff = "staff";
    public const string Customer = "customer";
}

/// <summary>
/// A membership: a person's role at one business. One person (one sign-in) may be staff at several
/// businesses, so the email is unique per business only; the person links the memberships.
/// </summary>
public sealed class StaffUser : ITenantOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TenantId { get; init; }

    /// <summary>The person who signs in as this member; null for a member who was never given a sign-in.</summary>
    public Guid? PersonId { get; set; }

    public required string Email { get; set; }
    public required string Name { get; set; }
    public required string Role { get; set; }
    public Instant CreatedAt { get; init; }
}
