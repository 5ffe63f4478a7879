using System.ComponentModel.DataAnnotations;

namespace BookingAws.Workers.Email;

/// <summary>Settings of the SES v2 sender, bound from the "Ses" configuration section.</summary>
public sealed class SesOptions
{
    public const string SectionName = "Ses";

    /// <summary>The sender used in Development when none is configured; never outside it, where SES would refuse it.</summary>
    public const string DevelopmentFromAddress = "bookings@bookingaws.local";

    /// <summary>Endpoint override, e.g. a local SES-compatible server; defaults to https://email.{Region}.amazonaws.com.</summary>
    [Url]
    public string? ServiceUrl { get; set; }

    /// <summary>AWS region to sign for and send in; when not configured, see <see cref="BookingAws.Shared.Aws.AwsRegion.Resolve"/>.</summary>
    public string Region { get; set; } = string.Empty;

    /// <summary>Default sender address (a verified SES identity of the stage, <c>Ses__FromAddress</c>).</summary>
    [EmailAddress]
    public string? FromAddress { get; set; }

    /// <summary>The configuration set whose event destination publishes bounces and complaints.</summary>
    public string? ConfigurationSetName { get; set; }

    /// <summary>Upper bound for one send, retries included.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    internal Uri ResolveServiceUri() =>
        new(string.IsNullOrWhiteSpace(ServiceUrl) ? $"https://email.{Region}.amazonaws.com" : ServiceUrl);
}
