using System.ComponentModel.DataAnnotations;

namespace BookingAws.Shared.Identity;

/// <summary>The user pool the API administers, bound from the "Cognito" section.</summary>
public sealed class CognitoOptions
{
    public const string SectionName = "Cognito";

    [Required]
    public string UserPoolId { get; set; } = string.Empty;

    /// <summary>AWS region to sign for; when not configured, see <see cref="Aws.AwsRegion.Resolve"/>.</summary>
    [Required]
    public string Region { get; set; } = string.Empty;

    /// <summary>Endpoint override (cognito-local); defaults to https://cognito-idp.{Region}.amazonaws.com/.</summary>
    [Url]
    public string? ServiceUrl { get; set; }

    /// <summary>Upper bound for one call, retries included; sign-up waits on it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    internal Uri ResolveServiceUri() =>
        new(string.IsNullOrWhiteSpace(ServiceUrl) ? $"https://cognito-idp.{Region}.amazonaws.com/" : ServiceUrl.TrimEnd('/') + "/");
}
