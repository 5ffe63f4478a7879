using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BookingAws.Shared.Aws;

public static class AwsSigningServiceCollectionExtensions
{
    /// <summary>
    /// Registers the SigV4 signer and the credentials it signs with, once for every client that needs them (SES in
    /// the workers, Cognito in the API). The first caller's <paramref name="credentials"/> win; without any,
    /// AWSSDK.Core's default chain is used (environment variables locally, the instance role in AWS).
    /// </summary>
    public static IServiceCollection AddAwsSigning(this IServiceCollection services, AWSCredentials? credentials = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new AwsCredentialsSource(credentials));
        services.TryAddSingleton<SigV4Signer>();
        return services;
    }
}
