using System.ComponentModel.DataAnnotations;

namespace BookingAws.Shared.Email;

/// <summary>Settings of the SES v2 sender, bound from the "Ses" configuration section.</summary>
public sealed class SesOptions
{
    public const string SectionName = "Ses";

    /// <summary>Endpoint override, e.g. a local SES-compatible server; defaults to https://email.{Region}.amazonaws.com.</summary>
    [Url]
    public string? ServiceUrl { get; set; }

    /// <summary>AWS region to sign for; falls back to AWS_REGION / AWS_DEFAULT_REGION when not configured.</summary>
    [Required]
    public string Region { get; set; } = string.Empty;

    /// <summary>Default sender address (a verified SES identity).</summary>
    [Required]
    [EmailAddress]
    public string FromAddress { get; set; } = string.Empty;

    public string? ConfigurationSetName { get; set; }

    /// <summary>Upper bound for one send, retries included.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    internal Uri ResolveServiceUri() =>
        new(string.IsNullOrWhiteSpace(ServiceUrl) ? $"https://email.{Region}.amazonaws.com" : ServiceUrl);
}
