using System.Text;
using System.Text.Json;
using BookingAws.Shared.Data;
using BookingAws.Shared.Messaging;
using BookingAws.Shared.Webhooks;
using BookingAws.Workers.Sqs;
using BookingAws.Workers.Webhooks;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace BookingAws.Workers.Handlers;

/// <summary>
/// Turns an event into one delivery row per endpoint of its business that wants it; sending, retries and their
/// schedule belong to <see cref="WebhookDeliveryService"/>. Idempotent through the (endpoint, event) key, so a
/// redelivered message adds nothing. The body is fixed here, once, so every attempt and every redelivery sends
/// (and signs) the same bytes.
/// </summary>
public sealed class WebhookFanOutHandler(
    [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db,
    [FromKeyedServices(WebhookOptions.Clock)] TimeProvider clock,
    IOptions<WebhookOptions> options,
    WebhookWakeup wakeup)
    : IMessageHandler<BookingHeld>, IMessageHandler<BookingConfirmed>, IMessageHandler<BookingCancelled>, IMessageHandler<BookingExpired>,
      IMessageHandler<BookingRescheduled>, IMessageHandler<BookingCompleted>, IMessageHandler<BookingAttendanceMarked>, IMessageHandler<PaymentRefunded>,
      IMessageHandler<PaymentSucceeded>, IMessageHandler<CustomerCreated>, IMessageHandler<CustomerUpdated>
{
    public string Name => "webhooks.fan-out";

    public Task HandleAsync(BookingHeld message, IncomingMessage envelope, CancellationToken cancellationToken) => FanOutAsync(message, envelope, cancellationToken);

    public Task HandleAsync(BookingConfirmed message, IncomingMessage envelope, CancellationToken cancellationToken) => FanOutAsync(message, envelope, cancellationToken);

    public Task HandleAsync(BookingCancelled message, IncomingMessage envelope, CancellationToken cancellationToken) => FanOutAsync(message, envelope, cancellationToken);

    public Task HandleAsync(BookingExpired message, IncomingMessage envelope, CancellationToken cancellationToken) => FanOutAsync(message, envelope, cancellationToken);

    public Task HandleAsync(BookingRescheduled message, IncomingMessage envelope, CancellationToken cancellationToken) => FanOutAsync(message, envelope, cancellationToken);

    public Task HandleAsync(BookingCompleted message, IncomingMessage envelope, CancellationToken cancellationToken) => FanOutAsync(message, envelope, cancellationToken);

    public Task HandleAsync(BookingAttendanceMarked message, IncomingMessage envelope, CancellationToken cancellationToken) => FanOutAsync(message, envelope, cancellationToken);

    public Task HandleAsync(PaymentRefunded message, IncomingMessage envelope, CancellationToken cancellationToken) => FanOutAsync(message, envelope, cancellationToken);

    public Task HandleAsync(PaymentSucceeded message, IncomingMessage envelope, CancellationToken cancellationToken) => FanOutAsync(message, envelope, cancellationToken);

    public Task HandleAsync(CustomerCreated message, IncomingMessage envelope, CancellationToken cancellationToken) => FanOutAsync(message, envelope, cancellationToken);

    public Task HandleAsync(CustomerUpdated message, IncomingMessage envelope, CancellationToken cancellationToken) => FanOutAsync(message, envelope, cancellationToken);

    private async Task FanOutAsync(ITenantEvent evt, IncomingMessage envelope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(envelope);
        await using var connection = await db.OpenConnectionAsync(ct);
        var endpoints = new List<Guid>();
        Instant? occurredAt = null;
        await using (var find = new NpgsqlCommand(
                         """
                         SELECT e.id, e.event_types, (SELECT o.occurred_at FROM outbox_messages o WHERE o.id = $2)
                         FROM webhook_endpoints e WHERE e.tenant_id = $1 AND e.disabled_at IS NULL
                         """,
                         connection))
        {
            find.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = evt.TenantId });
            find.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = envelope.MessageId });
            await using var reader = await find.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var types = reader.GetFieldValue<string[]>(1);
                if (types.Contains(WebhookEvents.All) || types.Contains(envelope.Type))
                {
                    endpoints.Add(reader.GetGuid(0));
                }

                occurredAt ??= reader.IsDBNull(2) ? null : reader.GetFieldValue<Instant>(2);
            }
        }

        if (endpoints.Count == 0)
        {
            return;
        }

        var now = Instant.FromDateTimeOffset(clock.GetUtcNow());
        var body = Body(envelope, evt.TenantId, occurredAt ?? now);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var endpoint in endpoints)
        {
            var insert = new NpgsqlBatchCommand(
                """
                INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, payload, occurred_at, created_at, state, attempts, next_attempt_at, give_up_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $8, $9)
                ON CONFLICT (endpoint_id, event_id) DO NOTHING
                """);
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7() });
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = evt.TenantId });
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = endpoint });
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = envelope.MessageId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = envelope.Type });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = body, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = occurredAt ?? now });
            insert.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = now });
            insert.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = now + Duration.FromTimeSpan(options.Value.RetryWindow) });
            batch.BatchCommands.Add(insert);
        }

        await batch.ExecuteNonQueryAsync(ct);
        wakeup.Signal();
    }

    /// <summary><c>{"id", "type", "created", "tenantId", "data"}</c>: the envelope receivers see; <c>data</c> is the event as published.</summary>
    private static string Body(IncomingMessage envelope, Guid tenantId, Instant occurredAt)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", envelope.MessageId);
            json.WriteString("type", envelope.Type);
            json.WriteString("created", occurredAt.ToDateTimeOffset());
            json.WriteString("tenantId", tenantId);
            json.WritePropertyName("data");
            json.WriteRawValue(envelope.Body, skipInputValidation: false);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
