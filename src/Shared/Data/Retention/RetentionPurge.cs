using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace BookingAws.Shared.Data.Retention;

/// <summary>How long each kind of bookkeeping row is kept after the instant it is dated by.</summary>
public sealed record RetentionPeriods(Duration IdempotencyKeys, Duration Inbox, Duration Outbox, Duration StripeEvents, Duration EmailDeliveries, Duration WebhookDeliveries);

/// <summary>One purgeable table: rows matching <see cref="Condition"/> (with <c>@cutoff</c>) are deleted.</summary>
public sealed record RetentionTable(string Name, string Table, string Condition, Func<RetentionPeriods, Duration> Period);

/// <summary>
/// Deletes bookkeeping rows older than their retention period, in batches of short transactions so it never holds
/// many locks or a long snapshot on hot tables. Each batch picks its rows with <c>FOR UPDATE SKIP LOCKED</c>, so
/// several workers may purge at once without waiting on each other (or on a row another transaction still uses).
/// Unsent outbox rows are never purged, whatever their age: they are work still to do.
/// </summary>
public sealed class RetentionPurge([FromKeyedServices(DataSources.Primary)] NpgsqlDataSource primary)
{
    public static IReadOnlyList<RetentionTable> Tables { get; } =
    [
        // Replays of a hold return the stored answer only while its key is kept; clients retry within minutes.
        new("idempotency_keys", "idempotency_keys", "created_at < @cutoff", p => p.IdempotencyKeys),

        // The inbox must outlive every redelivery of a message: the queues keep messages for days, not weeks.
        new("inbox_messages", "inbox_messages", "processed_at < @cutoff", p => p.Inbox),
        new("outbox_messages", "outbox_messages", "sent_at IS NOT NULL AND sent_at < @cutoff", p => p.Outbox),

        // Stripe retries a webhook for three days; an event id older than that cannot come back.
        new("stripe_events", "stripe_events", "received_at < @cutoff", p => p.StripeEvents),
        new("email_deliveries", "email_deliveries", "sent_at < @cutoff", p => p.EmailDeliveries),

        // Settled webhook deliveries (their attempts go with them); pending ones are work still to do, like unsent outbox rows.
        new("webhook_deliveries", "webhook_deliveries", "state <> 'pending' AND created_at < @cutoff", p => p.WebhookDeliveries),
    ];

    /// <summary>Purges every table; returns the rows deleted per table.</summary>
    public async Task<IReadOnlyDictionary<string, long>> RunAsync(RetentionPeriods periods, Instant now, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(periods);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var deleted = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in Tables)
        {
            deleted[table.Name] = await PurgeAsync(table, now - table.Period(periods), batchSize, cancellationToken);
        }

        return deleted;
    }

    /// <summary>Deletes the table's rows dated before <paramref name="cutoff"/>, one batch per transaction, until a batch comes up short.</summary>
    public async Task<long> PurgeAsync(RetentionTable table, Instant cutoff, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var sql = $"""
            DELETE FROM {table.Table}
            WHERE ctid = ANY (ARRAY(SELECT ctid FROM {table.Table} WHERE {table.Condition} LIMIT @batch FOR UPDATE SKIP LOCKED))
            """;
        long total = 0;
        int batch;
        do
        {
            await using var command = primary.CreateCommand(sql);
            command.Parameters.AddWithValue("cutoff", cutoff);
            command.Parameters.AddWithValue("batch", batchSize);
            batch = await command.ExecuteNonQueryAsync(cancellationToken);
            total += batch;
        }
        while (batch == batchSize);

        return total;
    }
}
