using Amazon.SQS;
using Amazon.SQS.Model;
using BookingAws.Shared.Data;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Sqs;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;

namespace BookingAws.Workers.Outbox;

/// <summary>
/// Publishes unsent outbox rows to SQS. A batch is claimed with <c>FOR UPDATE SKIP LOCKED</c> inside a
/// transaction held while sending, so several relays share the work without sending a row twice in the
/// normal case; a crash between SQS accepting and the commit sends the row again (at least once).
/// A row counts as sent only when every queue it routes to accepted it.
/// </summary>
public sealed partial class OutboxRelay(
    [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db,
    IAmazonSQS sqs,
    QueueResolver queues,
    IOptions<WorkerOptions> options,
    ILogger<OutboxRelay> logger)
{
    private const int SqsBatchLimit = 10;

    /// <summary>Relays one batch. Returns how many rows were published, or throws if SQS failed for the batch
    /// (the rows then stay unsent with <c>attempts</c> and <c>last_error</c> updated).</summary>
    public async Task<RelayResult> RelayBatchAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Relay;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);

        var rows = await ClaimAsync(connection, tx, settings, cancellationToken);
        if (rows.Count == 0)
        {
            return new RelayResult(0, 0);
        }

        var failed = new Dictionary<Guid, string>();
        var droppedHints = new Dictionary<Guid, string>();
        var entries = new List<(QueueDeclaration Queue, OutboxRow Row)>();
        foreach (var row in rows)
        {
            entries.AddRange(MessageTopology.QueuesFor(row.Type).Select(q => (q, row)));
        }

        // The queues that matter first; best-effort pushes last, briefly, and whatever they throw is only logged.
        foreach (var group in entries.GroupBy(e => e.Queue).OrderBy(g => g.Key.BestEffort))
        {
            foreach (var chunk in group.Chunk(SqsBatchLimit))
            {
                var rowsOfChunk = chunk.Select(c => c.Row).ToList();
                if (!group.Key.BestEffort)
                {
                    await SendChunkAsync(group.Key.Name, rowsOfChunk, failed, cancellationToken);
                    continue;
                }

                using var brief = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                brief.CancelAfter(BestEffortTimeout);
                try
                {
                    await SendChunkAsync(group.Key.Name, rowsOfChunk, droppedHints, brief.Token);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    droppedHints[rowsOfChunk[0].Id] = $"{group.Key.Name}: {ex.GetType().Name}: {ex.Message}";
                }
            }
        }

        var sent = rows.Where(r => !failed.ContainsKey(r.Id)).Select(r => r.Id).ToArray();
        await using (var batch = new NpgsqlBatch(connection, tx))
        {
            var markSent = new NpgsqlBatchCommand("UPDATE outbox_messages SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1)");
            markSent.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = sent });
            batch.BatchCommands.Add(markSent);
            foreach (var (id, error) in failed)
            {
                var markFailed = new NpgsqlBatchCommand("UPDATE outbox_messages SET attempts = attempts + 1, last_error = $2 WHERE id = $1");
                markFailed.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
                markFailed.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Truncate(error, 2000) });
                batch.BatchCommands.Add(markFailed);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        // Not cancellable: SQS already has the messages, losing the commit would only cause duplicates.
        await tx.CommitAsync(CancellationToken.None);
        if (failed.Count > 0)
        {
            LogPublishFailed(logger, failed.Count, rows.Count, failed.Values.First());
        }

        if (droppedHints.Count > 0)
        {
            LogHintsDropped(logger, droppedHints.Count, droppedHints.Values.First());
        }

        return new RelayResult(sent.Length, failed.Count);
    }

    /// <summary>Unsent rows and the age in seconds of the oldest (0 when none), for the backlog gauges. One
    /// query over the unsent-rows index.</summary>
    public async Task<(long Count, double OldestAgeSeconds)> BacklogAsync(CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand(
            "SELECT count(*), coalesce(extract(epoch FROM now() - min(occurred_at)), 0)::float8 FROM outbox_messages WHERE sent_at IS NULL");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), Math.Max(0, reader.GetDouble(1)));
    }

    private static async Task<List<OutboxRow>> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction tx, RelayOptions settings, CancellationToken cancellationToken)
    {
        // Rows that keep failing sort after fresh ones so one bad row cannot starve the rest.
        await using var cmd = new NpgsqlCommand(
            """
            SELECT id, tenant_id, type, payload::text, trace_parent, correlation_id
            FROM outbox_messages
            WHERE sent_at IS NULL AND ($2::uuid IS NULL OR tenant_id = $2)
            ORDER BY least(attempts, 3), occurred_at
            LIMIT $1
            FOR UPDATE SKIP LOCKED
            """,
            connection,
            tx);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = settings.BatchSize });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)settings.TenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        var rows = new List<OutboxRow>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new OutboxRow(
                reader.GetGuid(0),
                reader.GetGuid(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return rows;
    }

    private static readonly TimeSpan BestEffortTimeout = TimeSpan.FromSeconds(2);

    private async Task SendChunkAsync(string concern, List<OutboxRow> rows, Dictionary<Guid, string> failed, CancellationToken cancellationToken)
    {
        var spans = rows.Select(r => OutboxPublishSpans.Start(concern, r.Id, r.Type, r.TenantId, r.TraceParent, rows.Count)).ToList();
        try
        {
            // The publish spans stand for this call; an HTTP span under one of them would belong to one message only.
            using var untraced = SuppressInstrumentationScope.Begin();
            var url = await queues.UrlForAsync(concern, cancellationToken);
            var request = new SendMessageBatchRequest
            {
                QueueUrl = url,
                Entries = rows.Select((row, i) => new SendMessageBatchRequestEntry
                {
                    Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    MessageBody = row.Payload,
                    MessageAttributes = AttributesOf(row, OutboxPublishSpans.TraceParent(spans[i], row.TraceParent)),
                }).ToList(),
            };
            var response = await sqs.SendMessageBatchAsync(request, cancellationToken);
            foreach (var failure in response.Failed ?? [])
            {
                var index = int.Parse(failure.Id, System.Globalization.CultureInfo.InvariantCulture);
                failed[rows[index].Id] = $"{concern}: {failure.Code} {failure.Message}";
                OutboxPublishSpans.Fail(spans[index], failure.Code);
            }
        }
        catch (Exception ex) when (ex is AmazonSQSException or Amazon.Runtime.AmazonServiceException or HttpRequestException or TaskCanceledException or IOException or System.Net.Sockets.SocketException
                                       && !cancellationToken.IsCancellationRequested)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                failed[rows[i].Id] = $"{concern}: {ex.GetType().Name}: {ex.Message}";
                OutboxPublishSpans.Fail(spans[i], ex.GetType().Name);
            }
        }
        catch (OperationCanceledException ex)
        {
            // A best-effort push cut short, or shutdown: the messages may not have gone out.
            spans.ForEach(span => OutboxPublishSpans.Fail(span, ex.GetType().Name));
            throw;
        }
        finally
        {
            OutboxPublishSpans.Stop(spans);
        }
    }

    private static Dictionary<string, MessageAttributeValue> AttributesOf(OutboxRow row, string? traceParent)
    {
        var attributes = new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal)
        {
            [MessageAttributes.Type] = Text(row.Type),
            [MessageAttributes.TenantId] = Text(row.TenantId.ToString()),
            [MessageAttributes.MessageId] = Text(row.Id.ToString()),
        };
        if (!string.IsNullOrEmpty(traceParent))
        {
            attributes[MessageAttributes.TraceParent] = Text(traceParent);
        }

        if (!string.IsNullOrEmpty(row.CorrelationId))
        {
            attributes[MessageAttributes.CorrelationId] = Text(row.CorrelationId);
        }

        return attributes;
    }

    private static MessageAttributeValue Text(string value) => new() { DataType = "String", StringValue = value };

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay could not publish {Failed} of {Claimed} row(s); they stay unsent. First error: {Error}")]
    private static partial void LogPublishFailed(ILogger logger, int failed, int claimed, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay dropped {Dropped} live-availability push(es); portals see the change on their next fetch. First error: {Error}")]
    private static partial void LogHintsDropped(ILogger logger, int dropped, string error);

    private sealed record OutboxRow(Guid Id, Guid TenantId, string Type, string Payload, string? TraceParent, string? CorrelationId);
}

public readonly record struct RelayResult(int Sent, int Failed);
