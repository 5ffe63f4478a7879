using System.Collections.Concurrent;
using Amazon.SQS;
using BookingAws.Shared.Messaging;
using Microsoft.Extensions.Options;

namespace BookingAws.Workers.Sqs;

/// <summary>Maps a concern (EventRoutes) to its queue URL and its dead-letter queue URL (<c>&lt;name&gt;-dlq</c>).</summary>
public sealed class QueueResolver(IAmazonSQS sqs, IOptions<SqsOptions> options)
{
    private readonly ConcurrentDictionary<string, string> _urls = new(StringComparer.Ordinal);

    public string NameFor(string concern) => concern switch
    {
        EventRoutes.Notifications => options.Value.Queues.Notifications,
        EventRoutes.Analytics => options.Value.Queues.Analytics,
        EventRoutes.Payments => options.Value.Queues.Payments,
        EventRoutes.Availability => options.Value.Queues.Availability,
        _ => throw new ArgumentOutOfRangeException(nameof(concern), concern, "Unknown queue concern."),
    };

    public Task<string> UrlForAsync(string concern, CancellationToken cancellationToken) => UrlOfAsync(NameFor(concern), cancellationToken);

    public Task<string> DeadLetterUrlForAsync(string concern, CancellationToken cancellationToken) =>
        UrlOfAsync(LastSegment(NameFor(concern)) + "-dlq", cancellationToken);

    public async Task<string> UrlOfAsync(string nameOrUrl, CancellationToken cancellationToken)
    {
        if (nameOrUrl.StartsWith("http", StringComparison.OrdinalIgnoreCase))
        {
            return nameOrUrl;
        }

        if (_urls.TryGetValue(nameOrUrl, out var url))
        {
            return url;
        }

        var response = await sqs.GetQueueUrlAsync(nameOrUrl, cancellationToken);
        return _urls[nameOrUrl] = response.QueueUrl;
    }

    private static string LastSegment(string nameOrUrl) => nameOrUrl.TrimEnd('/').Split('/')[^1];
}
