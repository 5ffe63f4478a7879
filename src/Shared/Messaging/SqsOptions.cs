using Amazon;
using Amazon.Runtime;
using Amazon.SQS;
using BookingAws.Shared.Aws;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BookingAws.Shared.Messaging;

/// <summary>SQS settings. In AWS only the queue names/URLs are set and the region is the instance's;
/// locally <see cref="ServiceUrl"/> points the SDK at the SQS-compatible server.</summary>
public sealed class SqsOptions
{
    public const string Section = "Sqs";

    public string? ServiceUrl { get; set; }

    /// <summary>Normally unset: the region is the instance's (see <see cref="ResolveRegion"/>).</summary>
    public string? Region { get; set; }

    /// <summary>Queue name or URL per declared queue (see <see cref="MessageTopology"/>).</summary>
    public QueueNames Queues { get; set; } = new();

    /// <summary>
    /// <see cref="Region"/> when set, else <c>AWS_REGION</c> / <c>AWS_DEFAULT_REGION</c> (set on Lambda, by the
    /// CLI and by our boot files), else the SDK's fallback, which asks instance metadata on EC2. A fixed
    /// default would send an instance in eu-west-1 to queues in us-east-1, which do not exist.
    /// </summary>
    public static RegionEndpoint ResolveRegion(string? configured, Func<string, string?> environment, Func<RegionEndpoint?> sdkFallback)
    {
        var name = AwsRegion.Resolve(configured, environment, () => sdkFallback()?.SystemName);
        return name is not null
            ? RegionEndpoint.GetBySystemName(name)
            : throw new InvalidOperationException("No AWS region: set AWS_REGION, or run where instance metadata answers.");
    }
}

/// <summary>Queue name or URL per declared queue, keyed by <see cref="QueueDeclaration.Key"/>
/// (<c>Sqs__Queues__Notifications</c>, <c>Sqs__Queues__EmailEvents</c>, …). A queue the settings leave out is
/// called <see cref="QueueDeclaration.DefaultQueueName"/>, as the local servers create it.</summary>
public sealed class QueueNames : Dictionary<string, string>
{
    public QueueNames()
        : base(StringComparer.OrdinalIgnoreCase)
    {
    }

    public string this[QueueDeclaration queue]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(queue);
            return TryGetValue(queue.Key, out var name) && !string.IsNullOrWhiteSpace(name) ? name : queue.DefaultQueueName;
        }

        set
        {
            ArgumentNullException.ThrowIfNull(queue);
            this[queue.Key] = value;
        }
    }
}

public static class SqsServiceCollectionExtensions
{
    public static IServiceCollection AddSqs(this IServiceCollection services)
    {
        services.AddOptions<SqsOptions>().BindConfiguration(SqsOptions.Section)
            .Validate(o => o.Queues.Keys.All(k => MessageTopology.Queues.Any(q => string.Equals(q.Key, k, StringComparison.OrdinalIgnoreCase))), "Sqs:Queues names a queue that MessageTopology does not declare.")
            .ValidateOnStart();
        services.AddSingleton<IAmazonSQS>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SqsOptions>>().Value;
            var configuration = sp.GetRequiredService<IConfiguration>();

            // The local server ignores the region; skip the metadata probe there when nothing names one.
            var region = SqsOptions.ResolveRegion(
                o.Region,
                name => configuration[name],
                () => string.IsNullOrEmpty(o.ServiceUrl) ? FallbackRegionFactory.GetRegionEndpoint() : RegionEndpoint.USEast1);
            var config = new AmazonSQSConfig
            {
                RegionEndpoint = region,
                Timeout = TimeSpan.FromSeconds(25),
                MaxErrorRetry = 2,
            };
            if (string.IsNullOrEmpty(o.ServiceUrl))
            {
                // AWS: the SDK's default chain finds the instance role.
                return new AmazonSQSClient(config);
            }

            config.ServiceURL = o.ServiceUrl;
            var credentials = new BasicAWSCredentials(
                configuration["AWS_ACCESS_KEY_ID"] ?? "local",
                configuration["AWS_SECRET_ACCESS_KEY"] ?? "local");
            return new AmazonSQSClient(credentials, config);
        });
        return services;
    }
}
