using BookingAws.Shared.Data;
using BookingAws.Shared.Webhooks;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;

namespace BookingAws.Workers.Webhooks;

/// <summary>
/// The delivery loop: claims due deliveries (<c>FOR UPDATE SKIP LOCKED</c>, so any number of workers share the work
/// without sending a row twice at once), sends them, logs every attempt and schedules the next one in the row itself
/// (SQS delays stop at 15 minutes; the retry window is 72 hours). A claim pushes the row's due time a lease ahead, so a
/// worker that dies mid-send leaves the row due again after the lease, not lost. Time comes from the webhook clock.
/// </summary>
public sealed partial class WebhookDeliveryService(
    [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db,
    [FromKeyedServices(WebhookOptions.Clock)] TimeProvider clock,
    WebhookSender sender,
    WebhookOutcomes outcomes,
    WebhookOwnerNotices notices,
    WebhookWakeup wakeup,
    IOptions<WebhookOptions> options,
    ILogger<WebhookDeliveryService> logger) : BackgroundService
{
    private readonly WebhookOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(logger, _options.Concurrency, _options.AllowLoopbackTargets);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sent = await RunOnceAsync(stoppingToken);
                failures = 0;
                if (sent < _options.BatchSize)
                {
                    await wakeup.WaitAsync(_options.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // Kept alive and loud: the oldest-due gauge climbs while this repeats, which is what the alarm watches.
                failures++;
                LogLoopFailed(logger, e, failures);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, failures))), stoppingToken);
            }
        }
    }

    /// <summary>One pass: owners' notices, then one batch of due deliveries. Returns how many were sent.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = Instant.FromDateTimeOffset(clock.GetUtcNow());
        await notices.SendDueAsync(now, ct);
        var claimed = await ClaimAsync(now, ct);
        await Parallel.ForEachAsync(
            claimed,
            new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = ct },
            async (delivery, token) =>
            {
                var at = Instant.FromDateTimeOffset(clock.GetUtcNow());
                var secrets = delivery.PreviousSecret is { } previous ? new[] { delivery.Secret, previous } : [delivery.Secret];
                var signature = WebhookSignature.HeaderValue(at.ToUnixTimeSeconds(), delivery.Payload, secrets);
                var result = await sender.SendAsync(delivery.Url, delivery.Id, delivery.EventId, delivery.EventType, delivery.Payload, signature, token);
                await outcomes.RecordAsync(delivery, at, result, token);
            });
        return claimed.Count;
    }

    private async Task<List<ClaimedDelivery>> ClaimAsync(Instant now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            """
            WITH due AS (
              SELECT d.id FROM webhook_deliveries d
              JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.disabled_at IS NULL
              WHERE d.state = 'pending' AND d.next_attempt_at <= $1 AND ($4::uuid IS NULL OR d.tenant_id = $4)
              ORDER BY d.next_attempt_at
              LIMIT $2
              FOR UPDATE OF d SKIP LOCKED)
            UPDATE webhook_deliveries d SET next_attempt_at = $3
            FROM due, webhook_endpoints e
            WHERE d.id = due.id AND e.id = d.endpoint_id
            RETURNING d.id, d.tenant_id, d.endpoint_id, d.event_id, d.event_type, d.payload, d.occurred_at, d.attempts, d.give_up_at,
                      e.url, e.signing_secret, CASE WHEN e.previous_secret_expires_at > $1 THEN e.previous_signing_secret END
            """,
            connection);
        cmd.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = now });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _options.BatchSize });
        cmd.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = now + Duration.FromTimeSpan(_options.Timeout * 3) + Duration.FromSeconds(30) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)_options.TenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        var claimed = new List<ClaimedDelivery>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(new ClaimedDelivery(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetGuid(3), reader.GetString(4), reader.GetString(5),
                reader.GetFieldValue<Instant>(6), reader.GetInt32(7), reader.GetFieldValue<Instant>(8),
                new Uri(reader.GetString(9)), reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11)));
        }

        await reader.DisposeAsync();
        await ReportOldestDueAsync(connection, now, ct);
        return claimed;
    }

    /// <summary>Anything still due after the claim waits for a free sender or a working loop.</summary>
    private async Task ReportOldestDueAsync(NpgsqlConnection connection, Instant now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT min(next_attempt_at) FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= $1 AND ($2::uuid IS NULL OR tenant_id = $2)",
            connection);
        cmd.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = now });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)_options.TenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        var oldest = await cmd.ExecuteScalarAsync(ct);
        WebhookMetrics.ReportOldestDue(oldest is Instant due ? (now - due).ToTimeSpan() : TimeSpan.Zero);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivering webhooks with up to {Concurrency} sends at once (loopback targets allowed: {AllowLoopback})")]
    private static partial void LogStarted(ILogger logger, int concurrency, bool allowLoopback);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook delivery pass failed ({Failures} in a row); retrying")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, int failures);
}

/// <summary>A delivery claimed for one attempt, with what sending it needs from its endpoint.</summary>
public sealed record ClaimedDelivery(
    Guid Id, Guid TenantId, Guid EndpointId, Guid EventId, string EventType, string Payload, Instant OccurredAt, int Attempts, Instant GiveUpAt,
    Uri Url, string Secret, string? PreviousSecret);
