using BookingAws.Shared.Data;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;

namespace BookingAws.Workers.Webhooks;

/// <summary>
/// Writes what an attempt came to, in one transaction: the attempt row, the delivery's new state or next due time,
/// and the endpoint's health. An endpoint that has failed without a success for <see cref="WebhookOptions.DisableAfter"/>
/// is turned off here; its pending deliveries are given up and <see cref="WebhookOwnerNotices"/> emails the owner.
/// </summary>
public sealed partial class WebhookOutcomes(
    [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db,
    IOptions<WebhookOptions> options,
    ILogger<WebhookOutcomes> logger)
{
    public async Task RecordAsync(ClaimedDelivery delivery, Instant at, WebhookAttemptResult result, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(result);
        WebhookMetrics.Attempts.Add(1, new KeyValuePair<string, object?>("outcome", result.Succeeded ? "success" : "failure"));

        // The outcome is written even when shutdown has begun: the request went out, and its record is what stops a resend.
        ct = CancellationToken.None;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(
            connection,
            tx,
            """
            INSERT INTO webhook_attempts (tenant_id, delivery_id, endpoint_id, attempted_at, status_code, latency_ms, succeeded, error)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            ct,
            delivery.TenantId,
            delivery.Id,
            delivery.EndpointId,
            at,
            (object?)result.StatusCode ?? DBNull.Value,
            (int)Math.Min(int.MaxValue, result.Latency.TotalMilliseconds),
            result.Succeeded,
            (object?)Trim(result.Error) ?? DBNull.Value);

        if (result.Succeeded)
        {
            await ExecuteAsync(
                connection,
                tx,
                """
                UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, last_attempt_at = $2, delivered_at = $2,
                  last_status_code = $3, last_error = NULL
                WHERE id = $1
                """,
                ct,
                delivery.Id,
                at,
                result.StatusCode!.Value);
            await ExecuteAsync(connection, tx, "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL", ct, delivery.EndpointId);
            await tx.CommitAsync(ct);
            WebhookMetrics.DeliveryLatency.Record(Math.Max(0, (at - delivery.OccurredAt).TotalSeconds + result.Latency.TotalSeconds));
            return;
        }

        var attempts = delivery.Attempts + 1;
        var next = at + Duration.FromTimeSpan(WebhookBackoff.Next(attempts));
        var givingUp = next > delivery.GiveUpAt;
        await ExecuteAsync(
            connection,
            tx,
            """
            UPDATE webhook_deliveries SET attempts = $2, last_attempt_at = $3, last_status_code = $4, last_error = $5,
              next_attempt_at = $6, state = CASE WHEN $7 THEN 'failed' ELSE 'pending' END
            WHERE id = $1
            """,
            ct,
            delivery.Id,
            attempts,
            at,
            (object?)result.StatusCode ?? DBNull.Value,
            (object?)Trim(result.Error) ?? DBNull.Value,
            next,
            givingUp);
        if (givingUp)
        {
            WebhookMetrics.GivenUp.Add(1, new KeyValuePair<string, object?>("reason", "retry_window"));
            LogGaveUp(logger, delivery.Id, delivery.EndpointId, attempts, result.Error);
        }

        // The first failure since the last success starts the endpoint's failing period; a success ends it.
        await using (var health = new NpgsqlCommand(
                         """
                         UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $2)
                         WHERE id = $1 AND disabled_at IS NULL
                         RETURNING failing_since
                         """,
                         connection,
                         tx))
        {
            health.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = delivery.EndpointId });
            health.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = at });
            if (await health.ExecuteScalarAsync(ct) is Instant failingSince && at - failingSince >= Duration.FromTimeSpan(options.Value.DisableAfter))
            {
                await DisableAsync(connection, tx, delivery, at, result.Error, ct);
            }
        }

        await tx.CommitAsync(ct);
    }

    private async Task DisableAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ClaimedDelivery delivery, Instant at, string? error, CancellationToken ct)
    {
        var reason = Trim(error) ?? "failing";
        await ExecuteAsync(
            connection,
            tx,
            "UPDATE webhook_endpoints SET disabled_at = $2, disabled_reason = $3, disabled_notice_id = $4, owner_notified_at = NULL WHERE id = $1",
            ct,
            delivery.EndpointId,
            at,
            reason,
            Guid.CreateVersion7());
        var dropped = await ExecuteAsync(
            connection,
            tx,
            "UPDATE webhook_deliveries SET state = 'failed', last_error = COALESCE(last_error, 'endpoint disabled') WHERE endpoint_id = $1 AND state = 'pending'",
            ct,
            delivery.EndpointId);
        WebhookMetrics.EndpointsDisabled.Add(1);
        WebhookMetrics.GivenUp.Add(dropped, new KeyValuePair<string, object?>("reason", "endpoint_disabled"));
        LogDisabled(logger, delivery.EndpointId, delivery.TenantId, options.Value.DisableAfter.TotalHours, dropped, reason);
    }

    private static string? Trim(string? error) => error is { Length: > 1000 } ? error[..1000] : error;

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct, params object[] values)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await cmd.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave up webhook delivery {DeliveryId} to endpoint {EndpointId} after {Attempts} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, Guid deliveryId, Guid endpointId, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disabled webhook endpoint {EndpointId} of tenant {TenantId} after {Hours} hours of failures; {Dropped} pending deliveries given up. Last error: {Error}")]
    private static partial void LogDisabled(ILogger logger, Guid endpointId, Guid tenantId, double hours, int dropped, string error);
}
