using System.Diagnostics;
using System.Text.Json;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace BookingAws.Shared.Messaging;

/// <summary>
/// Writes events into <c>outbox_messages</c> as part of the caller's transaction, stamped with the
/// current trace context and correlation id so the workers' logs join up with the request's.
/// </summary>
public static class Outbox
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static NpgsqlBatchCommand Insert<TEvent>(TEvent evt, Instant occurredAt)
        where TEvent : IBookingEvent
    {
        var activity = Activity.Current;
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO outbox_messages (id, tenant_id, type, payload, occurred_at, trace_parent, correlation_id, attempts)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 0)
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7() });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = evt.TenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = TEvent.WireName });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(evt, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = occurredAt });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)activity?.Id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)activity?.GetBaggageItem("correlation.id") ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        return command;
    }
}
