using NodaTime;

namespace BookingAws.Shared.Domain.Staff;

public static class Roles
{
    public const string Owner = "owner";
    public const string Staff = "staff";
    public const string Customer = "customer";
}

/// <summary>A person who runs a business in the dashboard. Emails are unique across the platform
/// because the identity provider (Cognito in AWS) knows a person once.</summary>
public sealed class StaffUser : ITenantOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TenantId { get; init; }
    public required string Email { get; set; }
    public required string Name { get; set; }
    public required string Role { get; set; }
    public Instant CreatedAt { get; init; }
}
