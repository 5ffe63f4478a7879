using System.ComponentModel.DataAnnotations;

namespace BookingAws.Api.Infrastructure;

/// <summary>
/// JWT bearer settings. In AWS <see cref="Authority"/> points at the Cognito user pool; locally (and in
/// tests) tokens are signed with <see cref="SigningKey"/> by the Development-only token endpoint.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    [Required]
    public string Issuer { get; set; } = "bookingaws-local";

    [Required]
    public string Audience { get; set; } = "bookingaws-api";

    /// <summary>OIDC authority (Cognito). When set, keys come from its metadata.</summary>
    public string? Authority { get; set; }

    /// <summary>Symmetric key for locally issued tokens; at least 32 bytes.</summary>
    [MinLength(32)]
    public string? SigningKey { get; set; }

    [Range(1, 1440)]
    public int TokenLifetimeMinutes { get; set; } = 480;
}

public static class Claims
{
    public const string Subject = "sub";
    public const string Email = "email";
    public const string Role = "role";
    public const string Tenant = "tenant_id";
}

public static class Policies
{
    public const string Owner = "owner";
    public const string Staff = "staff";
    public const string Customer = "customer";
}
