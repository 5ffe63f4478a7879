using Amazon.SQS;
using Amazon.SQS.Model;
using BookingAws.Shared.Data;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Sqs;
using Npgsql;

namespace BookingAws.Workers.Ops;

public sealed record DeadLetter(string MessageId, string Type, string? TenantId, int ReceiveCount, DateTimeOffset? FirstReceivedAt, DateTimeOffset? SentAt, string Body, string? LastError);

/// <summary>
/// Reads and redrives a concern's dead-letter queue. The move is receive + send + delete rather than SQS's
/// StartMessageMoveTask, which the local SQS server does not implement; it works the same against AWS.
/// A crash between send and delete leaves a copy in the DLQ; the consumers' inbox makes the duplicate harmless.
/// </summary>
public sealed class DeadLetters(IAmazonSQS sqs, QueueResolver queues, [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db)
{
    private static readonly List<string> SystemAttributes = ["ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp", "SentTimestamp"];

    /// <summary>Lists up to <paramref name="max"/> messages without removing them: each is received and made visible again.</summary>
    public async Task<IReadOnlyList<DeadLetter>> PeekAsync(string concern, int max, CancellationToken cancellationToken)
    {
        var url = await queues.DeadLetterUrlForAsync(concern, cancellationToken);
        var seen = new Dictionary<string, (Message Message, string Receipt)>(StringComparer.Ordinal);
        while (seen.Count < max)
        {
            var batch = await ReceiveAsync(url, Math.Min(10, max - seen.Count), 30, cancellationToken);
            var fresh = batch.Where(m => seen.TryAdd(m.MessageId, (m, m.ReceiptHandle))).ToList();
            if (fresh.Count == 0)
            {
                break;
            }
        }

        foreach (var (_, receipt) in seen.Values)
        {
            await sqs.ChangeMessageVisibilityAsync(url, receipt, 0, cancellationToken);
        }

        var letters = seen.Values.Select(v => ToDeadLetter(v.Message)).ToList();
        var errors = await LastErrorsAsync(queues.NameFor(concern), concern, letters.Select(l => l.MessageId), cancellationToken);
        return letters.Select(l => l with { LastError = errors.GetValueOrDefault(l.MessageId) }).ToList();
    }

    /// <summary>Moves every message from the DLQ back to the source queue; returns how many moved.</summary>
    public async Task<int> RedriveAsync(string concern, CancellationToken cancellationToken)
    {
        var dlq = await queues.DeadLetterUrlForAsync(concern, cancellationToken);
        var source = await queues.UrlForAsync(concern, cancellationToken);
        var moved = 0;
        while (true)
        {
            var batch = await ReceiveAsync(dlq, 10, 60, cancellationToken);
            if (batch.Count == 0)
            {
                return moved;
            }

            var sent = await sqs.SendMessageBatchAsync(
                new SendMessageBatchRequest
                {
                    QueueUrl = source,
                    Entries = batch.Select((m, i) => new SendMessageBatchRequestEntry
                    {
                        Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        MessageBody = m.Body,
                        MessageAttributes = m.MessageAttributes,
                    }).ToList(),
                },
                cancellationToken);
            var ok = (sent.Successful ?? []).Select(s => batch[int.Parse(s.Id, System.Globalization.CultureInfo.InvariantCulture)]).ToList();
            if (ok.Count > 0)
            {
                await sqs.DeleteMessageBatchAsync(
                    new DeleteMessageBatchRequest
                    {
                        QueueUrl = dlq,
                        Entries = ok.Select((m, i) => new DeleteMessageBatchRequestEntry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m.ReceiptHandle)).ToList(),
                    },
                    cancellationToken);
            }

            moved += ok.Count;
            if (ok.Count < batch.Count)
            {
                throw new InvalidOperationException($"{batch.Count - ok.Count} message(s) could not be sent back; they stay in the DLQ.");
            }
        }
    }

    private async Task<List<Message>> ReceiveAsync(string url, int count, int visibility, CancellationToken cancellationToken)
    {
        var response = await sqs.ReceiveMessageAsync(
            new ReceiveMessageRequest
            {
                QueueUrl = url,
                MaxNumberOfMessages = count,
                WaitTimeSeconds = 1,
                VisibilityTimeout = visibility,
                MessageAttributeNames = ["All"],
                MessageSystemAttributeNames = SystemAttributes,
            },
            cancellationToken);
        return response.Messages ?? [];
    }

    private static DeadLetter ToDeadLetter(Message m)
    {
        var attributes = m.MessageAttributes ?? [];
        var system = m.Attributes ?? [];
        string? Attr(string name) => attributes.TryGetValue(name, out var v) ? v.StringValue : null;
        DateTimeOffset? Epoch(string name) => system.TryGetValue(name, out var v) && long.TryParse(v, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        return new DeadLetter(
            Attr(MessageAttributes.MessageId) ?? m.MessageId,
            Attr(MessageAttributes.Type) ?? "?",
            Attr(MessageAttributes.TenantId),
            system.TryGetValue("ApproximateReceiveCount", out var c) && int.TryParse(c, out var n) ? n : 0,
            Epoch("ApproximateFirstReceiveTimestamp"),
            Epoch("SentTimestamp"),
            m.Body,
            null);
    }

    private async Task<Dictionary<string, string>> LastErrorsAsync(string queueName, string concern, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var guids = ids.Select(i => Guid.TryParse(i, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToArray();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (guids.Length == 0)
        {
            return result;
        }

        await using var cmd = db.CreateCommand(
            "SELECT message_id, failures, last_error FROM message_failures WHERE message_id = ANY($1) AND queue IN ($2, $3)");
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = guids });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = concern });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = queueName });
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetGuid(0).ToString()] = $"{reader.GetString(2)} ({reader.GetInt32(1)} failure(s))";
        }

        return result;
    }
}
