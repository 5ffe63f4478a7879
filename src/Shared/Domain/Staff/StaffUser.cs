using NodaTime;

namespace BookingAws.Shared.Domain.Staff;

public static class Roles
{
    public const string Owner = "owner";
    public const string Staff = "staff";
    public const string Customer = "customer";

    /// <summary>The roles an owner can give a member of their business.</summary>
    public static bool IsMemberRole(string? role) => role is Owner or Staff;
}

/// <summary>Where a membership stands: <see cref="Invited"/> until the person first signs in, then <see cref="Active"/>.</summary>
public static class StaffStatus
{
    public const string Invited = "invited";
    public const string Active = "active";
}

/// <summary>
/// A membership: a person's role at one business. One person (one sign-in) may be staff at several
/// businesses, so the email is unique per business only; the person links the memberships.
/// </summary>
public sealed class StaffUser : ITenantOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TenantId { get; init; }

    /// <summary>
    /// The person who signs in as this member; null for an invitation nobody has taken up yet. An invited member is
    /// linked the first time a person whose verified email is <see cref="Email"/> signs in.
    /// </summary>
    public Guid? PersonId { get; set; }

    public required string Email { get; set; }
    public required string Name { get; set; }
    public required string Role { get; set; }
    public Instant CreatedAt { get; init; }

    public string Status => PersonId is null ? StaffStatus.Invited : StaffStatus.Active;

    public bool IsOwner => Role == Roles.Owner;

    /// <summary>
    /// Why this member may not stop being an owner (be demoted or removed), or null when they may: a business keeps
    /// at least one owner who can sign in, since only an owner can manage its staff, keys and settings (an owner still
    /// invited may never come). <paramref name="activeOwners"/> is the business's count of owners who have signed in,
    /// read under a lock so two owners cannot demote each other at once.
    /// </summary>
    public string? RefuseLeavingOwners(int activeOwners) =>
        IsOwner && Status == StaffStatus.Active && activeOwners <= 1
            ? "A business needs at least one owner who has signed in: make someone else an owner first (an invited owner counts once they sign in)."
            : null;
}
