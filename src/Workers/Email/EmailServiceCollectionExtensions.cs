using Amazon.Runtime;
using BookingAws.Shared.Aws;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace BookingAws.Workers.Email;

public static class EmailServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IEmailSender"/> backed by SES v2, configured from the "Ses" section. The sender address
    /// is required except in Development, which falls back to <see cref="SesOptions.DevelopmentFromAddress"/>.
    /// Without <paramref name="credentials"/>, AWSSDK.Core's default chain is used (environment
    /// variables locally, the instance role in AWS).
    /// </summary>
    public static IServiceCollection AddSesEmail(this IServiceCollection services, AWSCredentials? credentials = null)
    {
        services.AddOptions<SesOptions>()
            .BindConfiguration(SesOptions.SectionName)
            .PostConfigure<IServiceProvider>((o, sp) =>
            {
                o.Region = AwsRegion.Resolve(o.Region, Environment.GetEnvironmentVariable, AwsRegion.FromSdk) ?? string.Empty;
                if (string.IsNullOrWhiteSpace(o.FromAddress) && sp.GetService<IHostEnvironment>()?.IsDevelopment() == true)
                {
                    o.FromAddress = SesOptions.DevelopmentFromAddress;
                }
            })
            .ValidateDataAnnotations()
            .Validate(
                o => !string.IsNullOrWhiteSpace(o.FromAddress),
                "Ses:FromAddress is required outside Development: set it (env Ses__FromAddress) to the verified SES sender of this stage.")
            .Validate(
                o => !string.IsNullOrWhiteSpace(o.Region),
                "Ses:Region is not set and no AWS region was found (AWS_REGION, AWS_DEFAULT_REGION, profile, instance metadata): set Ses__Region.")
            .ValidateOnStart();

        // The sender dates its MIME messages with it.
        services.TryAddSingleton(TimeProvider.System);
        services.AddAwsSigning(credentials);
        services.TryAddTransient<SesSigningHandler>();

        var client = services.AddHttpClient<SesEmailSender>((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<SesOptions>>().Value;
                var baseUri = options.ResolveServiceUri();
                client.BaseAddress = new Uri(baseUri.AbsoluteUri.TrimEnd('/') + "/");

                // The resilience pipeline owns the deadline; this only backs it up.
                client.Timeout = options.Timeout + TimeSpan.FromSeconds(5);
            });

        // Handlers run outermost first: retries wrap signing, so every attempt is signed afresh.
        client.AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) =>
            {
                var timeout = sp.GetRequiredService<IOptions<SesOptions>>().Value.Timeout;

                // The default retry predicate covers 5xx, 408, 429, network errors and attempt
                // timeouts; other 4xx are never retried.
                resilience.TotalRequestTimeout.Timeout = timeout;
                resilience.AttemptTimeout.Timeout = timeout / 3;
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(
                    Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * resilience.AttemptTimeout.Timeout.Ticks));
            });
        client.AddHttpMessageHandler<SesSigningHandler>();

        services.TryAddTransient<IEmailSender>(sp => sp.GetRequiredService<SesEmailSender>());
        return services;
    }
}
