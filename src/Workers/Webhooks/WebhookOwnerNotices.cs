using System.Globalization;
using BookingAws.Shared.Data;
using BookingAws.Workers.Email;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace BookingAws.Workers.Webhooks;

/// <summary>
/// Emails a business's owners that an endpoint was turned off, through the same sender as every other email
/// (<see cref="OnceEmailSender"/>, keyed by the endpoint's notice id so it goes once). The endpoint row remembers
/// that the owner was told; until then every pass tries again, so an SES outage delays the email but cannot lose it.
/// </summary>
public sealed partial class WebhookOwnerNotices(
    [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db,
    OnceEmailSender email,
    TemplateRenderer templates,
    ILogger<WebhookOwnerNotices> logger)
{
    public const string Template = "webhook-disabled";

    private long _nextCheck;

    public async Task SendDueAsync(Instant now, CancellationToken ct)
    {
        // At most every few seconds (real time): the query is cheap, a failing SES is not.
        var tick = Environment.TickCount64;
        if (tick < Interlocked.Read(ref _nextCheck))
        {
            return;
        }

        Interlocked.Exchange(ref _nextCheck, tick + 5_000);
        var due = new List<(Guid Endpoint, Guid Tenant, Guid NoticeId, string Url, Instant DisabledAt, Instant? FailingSince, string Reason, string TenantName)>();
        await using (var find = db.CreateCommand(
                         """
                         SELECT e.id, e.tenant_id, e.disabled_notice_id, e.url, e.disabled_at, e.failing_since, coalesce(e.disabled_reason, ''), t.name
                         FROM webhook_endpoints e JOIN tenants t ON t.id = e.tenant_id
                         WHERE e.disabled_at IS NOT NULL AND e.owner_notified_at IS NULL AND e.disabled_notice_id IS NOT NULL
                         LIMIT 20
                         """))
        {
            await using var reader = await find.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                due.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetFieldValue<Instant>(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<Instant>(5), reader.GetString(6), reader.GetString(7)));
            }
        }

        foreach (var notice in due)
        {
            try
            {
                await NotifyAsync(notice.Endpoint, notice.Tenant, notice.NoticeId, notice.TenantName, notice.Url, notice.DisabledAt, notice.FailingSince, notice.Reason, now, ct);
            }
            catch (EmailSendException e)
            {
                LogNoticeFailed(logger, e, notice.Endpoint, notice.Tenant);
            }
        }
    }

    private async Task NotifyAsync(
        Guid endpointId, Guid tenantId, Guid noticeId, string tenantName, string url, Instant disabledAt, Instant? failingSince, string reason, Instant now, CancellationToken ct)
    {
        var owners = new List<string>();
        await using (var find = db.CreateCommand("SELECT email FROM staff_users WHERE tenant_id = $1 AND role = 'owner' ORDER BY created_at"))
        {
            find.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
            await using var reader = await find.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                owners.Add(reader.GetString(0));
            }
        }

        if (owners.Count > 0)
        {
            var pattern = InstantPattern.CreateWithInvariantCulture("uuuu-MM-dd HH:mm");
            var rendered = templates.Render(Template, new Dictionary<string, string>
            {
                ["tenantName"] = tenantName,
                ["url"] = url,
                ["disabledAt"] = pattern.Format(disabledAt),
                ["failingSince"] = failingSince is { } since ? pattern.Format(since) : "",
                ["reason"] = reason,
            });
            await email.SendAsync(noticeId, Template, tenantId, new EmailMessage { To = owners, Subject = rendered.Subject, HtmlBody = rendered.Html, TextBody = rendered.Text }, ct);
        }
        else
        {
            LogNoOwner(logger, endpointId, tenantId);
        }

        await using var done = db.CreateCommand("UPDATE webhook_endpoints SET owner_notified_at = $2 WHERE id = $1 AND disabled_notice_id = $3");
        done.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = endpointId });
        done.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = now });
        done.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = noticeId });
        await done.ExecuteNonQueryAsync(ct);
        LogNotified(logger, endpointId, tenantId, owners.Count.ToString(CultureInfo.InvariantCulture));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not email the owner that webhook endpoint {EndpointId} of tenant {TenantId} was turned off; will retry")]
    private static partial void LogNoticeFailed(ILogger logger, Exception exception, Guid endpointId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook endpoint {EndpointId} of tenant {TenantId} was turned off but the business has no owner to email")]
    private static partial void LogNoOwner(ILogger logger, Guid endpointId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Told {Owners} owner(s) that webhook endpoint {EndpointId} of tenant {TenantId} was turned off")]
    private static partial void LogNotified(ILogger logger, Guid endpointId, Guid tenantId, string owners);
}
