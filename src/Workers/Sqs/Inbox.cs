using Npgsql;

namespace BookingAws.Workers.Sqs;

/// <summary>The inbox table: one row per (message, consumer), written in the transaction of the handler's effect.</summary>
public static class Inbox
{
    /// <summary>Claims the message for <paramref name="consumer"/> inside <paramref name="transaction"/>. False when it was
    /// handled before. A concurrent claim of the same key waits for the other transaction, so only one wins.</summary>
    public static async Task<bool> TryClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid messageId, string consumer, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO inbox_messages (message_id, consumer, processed_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING",
            connection,
            transaction);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = messageId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer });
        return await cmd.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public static async Task<bool> IsHandledAsync(NpgsqlDataSource db, Guid messageId, string consumer, CancellationToken cancellationToken)
    {
        await using var cmd = db.CreateCommand("SELECT 1 FROM inbox_messages WHERE message_id = $1 AND consumer = $2");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = messageId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer });
        return await cmd.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>Records the message as handled in its own transaction (for handlers whose effects committed separately).</summary>
    public static async Task MarkAsync(NpgsqlDataSource db, Guid messageId, string consumer, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await TryClaimAsync(connection, tx, messageId, consumer, cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }
}
