using Amazon.Runtime;
using BookingAws.Shared.Aws;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace BookingAws.Shared.Identity;

public static class IdentityServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CognitoClient"/> for the pool in the "Cognito" section, signed with the project's
    /// SigV4 signer and AWSSDK.Core's credentials chain (the instance role in AWS).
    /// </summary>
    public static IServiceCollection AddCognitoIdentity(this IServiceCollection services, AWSCredentials? credentials = null)
    {
        services.AddOptions<CognitoOptions>()
            .BindConfiguration(CognitoOptions.SectionName)
            .PostConfigure(o => o.Region = AwsRegion.Resolve(o.Region, Environment.GetEnvironmentVariable, AwsRegion.FromSdk) ?? string.Empty)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddAwsSigning(credentials);
        services.TryAddTransient<CognitoSigningHandler>();

        var client = services.AddHttpClient<CognitoClient>((sp, client) =>
        {
            var options = sp.GetRequiredService<IOptions<CognitoOptions>>().Value;
            client.BaseAddress = options.ResolveServiceUri();
            client.Timeout = options.Timeout + TimeSpan.FromSeconds(5);
        });
        client.AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) =>
            {
                var timeout = sp.GetRequiredService<IOptions<CognitoOptions>>().Value.Timeout;
                resilience.TotalRequestTimeout.Timeout = timeout;
                resilience.AttemptTimeout.Timeout = timeout / 3;
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(
                    Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * resilience.AttemptTimeout.Timeout.Ticks));
            });
        client.AddHttpMessageHandler<CognitoSigningHandler>();
        return services;
    }
}
