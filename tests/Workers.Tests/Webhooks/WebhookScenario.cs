using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Messaging;
using BookingAws.Shared.Webhooks;
using BookingAws.Workers.Tests.Infrastructure;
using BookingAws.Workers.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using Npgsql;

namespace BookingAws.Workers.Tests.Webhooks;

/// <summary>
/// A business with one webhook endpoint pointing at a <see cref="WebhookReceiver"/>, and the real workers (relay,
/// SQS consumers, fan-out) with the webhook clock faked. With <c>loop: false</c> the test runs the delivery loop's
/// passes itself (<see cref="PassAsync"/>), so moving days ahead is deterministic.
/// </summary>
public sealed class WebhookScenario : IAsyncDisposable
{
    private WebhookScenario(Seed seed, WorkerHost workers, FakeTimeProvider clock, Guid endpointId, string secret, string ownerEmail)
    {
        Seed = seed;
        Workers = workers;
        Clock = clock;
        EndpointId = endpointId;
        Secret = secret;
        OwnerEmail = ownerEmail;
    }

    public Seed Seed { get; }

    public WorkerHost Workers { get; }

    public FakeTimeProvider Clock { get; }

    public Guid EndpointId { get; }

    public string Secret { get; }

    public string OwnerEmail { get; }

    public Instant Now => Instant.FromDateTimeOffset(Clock.GetUtcNow());

    public static async Task<WebhookScenario> StartAsync(Uri target, bool loop = true, bool allowLoopback = true, string eventTypes = "*")
    {
        var queues = await Platform.CreateQueuesAsync();
        var seed = await Platform.SeedAsync();
        var owner = $"owner-{Guid.NewGuid():N}@example.test";
        var secret = WebhookSignature.NewSecret();
        var endpointId = Guid.CreateVersion7();
        await using (var batch = new NpgsqlBatch(await Platform.Db.OpenConnectionAsync()))
        {
            var staff = new NpgsqlBatchCommand("INSERT INTO staff_users (id, tenant_id, email, name, role, created_at) VALUES (gen_random_uuid(), $1, $2, 'Owner', $3, now())");
            staff.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = seed.Tenant.Id });
            staff.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner });
            staff.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Roles.Owner });
            var endpoint = new NpgsqlBatchCommand("INSERT INTO webhook_endpoints (id, tenant_id, url, event_types, signing_secret, created_at) VALUES ($1, $2, $3, $4, $5, now())");
            endpoint.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = endpointId });
            endpoint.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = seed.Tenant.Id });
            endpoint.Parameters.Add(new NpgsqlParameter<string> { TypedValue = target.AbsoluteUri });
            endpoint.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = eventTypes.Split(',') });
            endpoint.Parameters.Add(new NpgsqlParameter<string> { TypedValue = secret });
            batch.BatchCommands.Add(staff);
            batch.BatchCommands.Add(endpoint);
            await batch.ExecuteNonQueryAsync();
            await batch.Connection!.DisposeAsync();
        }

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = WorkerHost.Settings(queues, seed.Tenant.Id);
        settings["Webhooks:Enabled"] = loop ? "true" : "false";
        settings["Webhooks:AllowLoopbackTargets"] = allowLoopback ? "true" : "false";
        settings["Webhooks:Timeout"] = "00:00:02";
        settings["Webhooks:PollInterval"] = "00:00:00.200";
        var workers = await WorkerHost.StartAsync(settings, services => services.AddKeyedSingleton<TimeProvider>(WebhookOptions.Clock, clock));
        return new WebhookScenario(seed, workers, clock, endpointId, secret, owner);
    }

    /// <summary>Writes a confirmation of a new booking to the outbox, as the API's use case would.</summary>
    public async Task<Guid> ConfirmBookingAsync()
    {
        var booking = await Platform.AddBookingAsync(Seed, Instant.FromUtc(2031, 6, 1, 9, 0));
        await Platform.WriteOutboxAsync(new BookingConfirmed(Platform.Snapshot(booking), DateTimeOffset.UtcNow, null, null));
        return booking.Id;
    }

    /// <summary>Waits until the fan-out made <paramref name="count"/> deliveries for this business.</summary>
    public async Task<List<DeliveryRow>> DeliveriesAsync(int count)
    {
        List<DeliveryRow> rows = [];
        await Eventually.TrueAsync(async () => (rows = await ReadDeliveriesAsync()).Count >= count, $"{count} webhook deliveries fanned out");
        return rows;
    }

    public async Task<List<DeliveryRow>> ReadDeliveriesAsync()
    {
        await using var cmd = Platform.Db.CreateCommand(
            "SELECT id, event_id, state, attempts, next_attempt_at, payload FROM webhook_deliveries WHERE tenant_id = $1 ORDER BY created_at, id");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Seed.Tenant.Id });
        var rows = new List<DeliveryRow>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3), reader.GetFieldValue<Instant>(4), reader.GetString(5)));
        }

        return rows;
    }

    public async Task<List<AttemptRow>> AttemptsAsync(Guid deliveryId)
    {
        await using var cmd = Platform.Db.CreateCommand("SELECT attempted_at, status_code, latency_ms, succeeded, error FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = deliveryId });
        var rows = new List<AttemptRow>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new(reader.GetFieldValue<Instant>(0), reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.GetInt32(2), reader.GetBoolean(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return rows;
    }

    /// <summary>Runs delivery passes until nothing is due at the fake now (every due attempt made and recorded).</summary>
    public async Task PassAsync()
    {
        var service = Workers.Services.GetRequiredService<WebhookDeliveryService>();
        while (await service.RunOnceAsync(CancellationToken.None) > 0)
        {
        }
    }

    /// <summary>Moves the webhook clock ahead in steps of at most <paramref name="step"/>, running the due passes at each.</summary>
    public async Task AdvanceAsync(TimeSpan total, TimeSpan step)
    {
        for (var moved = TimeSpan.Zero; moved < total; moved += step)
        {
            Clock.Advance(step < total - moved ? step : total - moved);
            await PassAsync();
        }
    }

    public async ValueTask DisposeAsync() => await Workers.DisposeAsync();
}

public sealed record DeliveryRow(Guid Id, Guid EventId, string State, int Attempts, Instant NextAttemptAt, string Payload);

public sealed record AttemptRow(Instant AttemptedAt, int? StatusCode, int LatencyMs, bool Succeeded, string? Error);
