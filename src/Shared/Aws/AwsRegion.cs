using Amazon.Runtime;

namespace BookingAws.Shared.Aws;

/// <summary>
/// The region an AWS client (SQS, SES, Cognito) calls and signs for. A fixed default would call the wrong region
/// whenever the stack lives elsewhere, so the order is: the client's own setting (e.g. <c>Ses:Region</c>), then
/// <c>AWS_REGION</c> / <c>AWS_DEFAULT_REGION</c>, then AWSSDK.Core's own fallback (profile, then the EC2
/// instance metadata of the instance it runs on).
/// </summary>
public static class AwsRegion
{
    public static string? Resolve(string? configured, Func<string, string?> environment, Func<string?> sdkFallback)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(sdkFallback);
        foreach (var candidate in new[] { configured, environment("AWS_REGION"), environment("AWS_DEFAULT_REGION") })
        {
            if (!string.IsNullOrWhiteSpace(candidate))
            {
                return candidate.Trim();
            }
        }

        return sdkFallback() is { Length: > 0 } found ? found : null;
    }

    /// <summary>AWSSDK.Core's region chain; null when it finds none (off AWS with nothing configured).</summary>
    public static string? FromSdk()
    {
        try
        {
            return FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        }
#pragma warning disable CA1031 // No region found is an answer here; validation then names what to set.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }
}
