using System.ComponentModel.DataAnnotations;
using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BookingAws.Shared.Messaging;

/// <summary>SQS settings. In AWS only the queue names/URLs are set; locally <see cref="ServiceUrl"/>
/// points the SDK at the SQS-compatible server.</summary>
public sealed class SqsOptions
{
    public const string Section = "Sqs";

    public string? ServiceUrl { get; set; }

    [Required]
    public string Region { get; set; } = "us-east-1";

    /// <summary>Queue name or URL per concern.</summary>
    public QueueNames Queues { get; set; } = new();
}

public sealed class QueueNames
{
    [Required]
    public string Notifications { get; set; } = "bookingaws-notifications";

    [Required]
    public string Analytics { get; set; } = "bookingaws-analytics";

    [Required]
    public string Payments { get; set; } = "bookingaws-payments";

    [Required]
    public string Availability { get; set; } = "bookingaws-availability";

    /// <summary>SES bounce/complaint events, SNS-wrapped (<c>Sqs__Queues__EmailEvents</c>); filled by SES, not the outbox.</summary>
    [Required]
    public string EmailEvents { get; set; } = "bookingaws-email-events";
}

public static class SqsServiceCollectionExtensions
{
    public static IServiceCollection AddSqs(this IServiceCollection services)
    {
        services.AddOptions<SqsOptions>().BindConfiguration(SqsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IAmazonSQS>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SqsOptions>>().Value;
            var config = new AmazonSQSConfig
            {
                RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(o.Region),
                Timeout = TimeSpan.FromSeconds(25),
                MaxErrorRetry = 2,
            };
            if (string.IsNullOrEmpty(o.ServiceUrl))
            {
                // AWS: the SDK's default chain finds the instance role.
                return new AmazonSQSClient(config);
            }

            config.ServiceURL = o.ServiceUrl;
            var configuration = sp.GetRequiredService<IConfiguration>();
            var credentials = new BasicAWSCredentials(
                configuration["AWS_ACCESS_KEY_ID"] ?? "local",
                configuration["AWS_SECRET_ACCESS_KEY"] ?? "local");
            return new AmazonSQSClient(credentials, config);
        });
        return services;
    }
}
