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

    /// <summary>The row's columns, for statements that insert it next to other rows.</summary>
    public const string Columns = "id, tenant_id, type, payload, occurred_at, trace_parent, correlation_id, attempts";

    public static NpgsqlBatchCommand Insert<TEvent>(TEvent evt, Instant occurredAt)
        where TEvent : ITenantEvent
    {
        var command = new NpgsqlBatchCommand($"INSERT INTO outbox_messages ({Columns}) VALUES ({ValuesSql(1)})");
        AddParameters(command.Parameters, evt, occurredAt);
        return command;
    }

    /// <summary>The row for an EF Core unit of work: saved by the same <c>SaveChanges</c>, so in the same transaction.</summary>
    public static OutboxMessage Message<TEvent>(TEvent evt, Instant occurredAt)
        where TEvent : ITenantEvent
    {
        var activity = Activity.Current;
        return new OutboxMessage
        {
            Id = Guid.CreateVersion7(),
            TenantId = evt.TenantId,
            Type = TEvent.WireName,
            Payload = JsonSerializer.Serialize(evt, Json),
            OccurredAt = occurredAt,
            TraceParent = activity?.Id,
            CorrelationId = activity?.GetBaggageItem("correlation.id"),
        };
    }

    /// <summary>The VALUES list for <see cref="Columns"/> with parameters numbered from <paramref name="first"/>.</summary>
    public static string ValuesSql(int first) =>
        $"${first}, ${first + 1}, ${first + 2}, ${first + 3}, ${first + 4}, ${first + 5}, ${first + 6}, 0";

    /// <summary>Appends the seven parameters <see cref="ValuesSql"/> refers to.</summary>
    public static void AddParameters<TEvent>(NpgsqlParameterCollection parameters, TEvent evt, Instant occurredAt)
        where TEvent : ITenantEvent
    {
        var activity = Activity.Current;
        parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7() });
        parameters.Add(new NpgsqlParameter<Guid> { TypedValue = evt.TenantId });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = TEvent.WireName });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(evt, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        parameters.Add(new NpgsqlParameter<Instant> { TypedValue = occurredAt });
        parameters.Add(new NpgsqlParameter { Value = (object?)activity?.Id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        parameters.Add(new NpgsqlParameter { Value = (object?)activity?.GetBaggageItem("correlation.id") ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
    }
}
