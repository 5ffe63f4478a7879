using System.Collections.Concurrent;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using BookingAws.Shared.Messaging;
using Microsoft.Extensions.Options;

namespace BookingAws.Workers.Sqs;

/// <summary>Maps a declared queue (by its concern name, see <see cref="MessageTopology"/>) to its URL and, through the
/// queue's RedrivePolicy, its dead-letter queue URL.</summary>
public sealed class QueueResolver(IAmazonSQS sqs, IOptions<SqsOptions> options)
{
    private readonly ConcurrentDictionary<string, string> _urls = new(StringComparer.Ordinal);

    public string NameFor(string concern) => options.Value.Queues[
        MessageTopology.Find(concern) ?? throw new ArgumentOutOfRangeException(nameof(concern), concern, "Not a queue MessageTopology declares.")];

    public Task<string> UrlForAsync(string concern, CancellationToken cancellationToken) => UrlOfAsync(NameFor(concern), cancellationToken);

    /// <summary>
    /// The queue's own RedrivePolicy names its DLQ by ARN; names are not derivable (CDK generates both).
    /// Needs sqs:GetQueueAttributes on the queue and sqs:GetQueueUrl on the DLQ.
    /// </summary>
    public async Task<string> DeadLetterUrlForAsync(string concern, CancellationToken cancellationToken)
    {
        var key = "dlq:" + concern;
        if (_urls.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var source = await UrlForAsync(concern, cancellationToken);
        var attributes = await sqs.GetQueueAttributesAsync(
            new GetQueueAttributesRequest { QueueUrl = source, AttributeNames = [QueueAttributeName.RedrivePolicy] }, cancellationToken);
        if (attributes.Attributes?.GetValueOrDefault(QueueAttributeName.RedrivePolicy) is not { Length: > 0 } policy)
        {
            throw new InvalidOperationException($"Queue {NameFor(concern)} has no RedrivePolicy, so no dead-letter queue.");
        }

        using var json = JsonDocument.Parse(policy);
        var arn = json.RootElement.GetProperty("deadLetterTargetArn").GetString()
            ?? throw new InvalidOperationException($"Queue {NameFor(concern)} has a RedrivePolicy without deadLetterTargetArn.");

        // arn:aws:sqs:<region>:<account>:<name>; the DLQ is in the queue's own account and region.
        var response = await sqs.GetQueueUrlAsync(arn.Split(':')[^1], cancellationToken);
        return _urls[key] = response.QueueUrl;
    }

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
}
