using System.ComponentModel.DataAnnotations;

namespace BookingAws.Shared.Integrations.Stripe;

/// <summary>
/// The <c>Stripe</c> section. In AWS the key and webhook secret come from Secrets Manager through
/// configuration; they are never logged (<see cref="ToString"/> leaves them out).
/// </summary>
public sealed class StripeOptions
{
    public const string Section = "Stripe";

    [Required]
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>The webhook endpoint's signing secret; required where webhooks are received (the API).</summary>
    public string WebhookSecret { get; set; } = string.Empty;

    /// <summary>Another Stripe-compatible server (the local emulator); Stripe itself when empty.</summary>
    public string? ApiBase { get; set; }

    /// <summary>The platform's cut of a destination charge to a connected account, in basis points.</summary>
    [Range(0, 10_000)]
    public int PlatformFeeBasisPoints { get; set; }

    /// <summary>How long one call to Stripe may take; the hold path makes at most <see cref="Attempts"/>.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(1.2);

    [Range(1, 5)]
    public int Attempts { get; set; } = 2;

    /// <summary>Webhooks signed longer ago than this are refused (replay protection).</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromMinutes(5);

    public override string ToString() => $"StripeOptions {{ ApiBase = {ApiBase}, PlatformFeeBasisPoints = {PlatformFeeBasisPoints} }}";
}
