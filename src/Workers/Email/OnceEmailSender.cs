using BookingAws.Shared.Data;
using Npgsql;

namespace BookingAws.Workers.Email;

/// <summary>
/// Sends an email at most once per (message id, template) in every case but one narrow window.
/// <para>
/// The <c>email_deliveries</c> row is inserted first in a transaction that stays open while SES is called and
/// commits right after SES accepts. The uncommitted row is the "pending" state: a second worker handling the same
/// message (a redelivery after a visibility timeout, or a duplicate from the at-least-once relay) blocks on the
/// unique key until the first transaction ends, then finds the row committed (and skips) or rolled back (and sends).
/// If the sender dies before its request reached SES, PostgreSQL rolls the row back when the connection drops, so
/// the next delivery sends it once.
/// </para>
/// <para>
/// Remaining window: SES received the request but the process died (or lost the database) before the commit — the
/// SES call's own duration plus one round trip. The redelivery then sends a second copy. SES v2 has no idempotency
/// key that could close it; we prefer a rare duplicate over a lost confirmation. <c>bench/faults.sh worker-kill</c>
/// measures how rare (README, fault drill).
/// </para>
/// <para>
/// A recipient on the tenant's suppression list (or the platform-wide one) after a hard bounce or a complaint is left
/// out; when nobody is left, the row records the reason in <c>suppressed_reason</c> instead of a provider id, and the
/// redelivered message finds it done like any sent email.
/// </para>
/// </summary>
public sealed partial class OnceEmailSender(
    [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db,
    IEmailSender sender,
    ILogger<OnceEmailSender> logger)
{
    /// <summary>Returns false when nothing went out now: sent before for the message, or every recipient is suppressed.</summary>
    public async Task<bool> SendAsync(Guid messageId, string template, Guid tenantId, EmailMessage email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var claim = new NpgsqlCommand(
                         """
                         INSERT INTO email_deliveries (message_id, template, tenant_id, recipient, subject, sent_at)
                         VALUES ($1, $2, $3, $4, $5, now())
                         ON CONFLICT DO NOTHING
                         """,
                         connection,
                         tx))
        {
            claim.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = messageId });
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = template });
            claim.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = string.Join(", ", email.To) });
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = email.Subject.Length > 500 ? email.Subject[..500] : email.Subject });
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        var recipients = new List<string>(email.To.Count);
        string? reason = null;
        foreach (var to in email.To)
        {
            if (await SuppressionList.ReasonAsync(connection, tx, tenantId, to, cancellationToken) is { } suppressed)
            {
                reason = suppressed;
                EmailMetrics.Suppressed.Add(1, new("reason", suppressed), new("kind", template));
                LogSuppressed(logger, template, messageId, tenantId, suppressed);
            }
            else
            {
                recipients.Add(to);
            }
        }

        if (recipients.Count == 0)
        {
            await using var skip = new NpgsqlCommand(
                "UPDATE email_deliveries SET suppressed_reason = $3 WHERE message_id = $1 AND template = $2",
                connection,
                tx);
            skip.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = messageId });
            skip.Parameters.Add(new NpgsqlParameter<string> { TypedValue = template });
            skip.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason! });
            await skip.ExecuteNonQueryAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            return false;
        }

        // Tagged so SES's bounce and complaint events name the tenant whose suppression list they belong to.
        var tagged = email with
        {
            To = recipients,
            Tags = new Dictionary<string, string>(email.Tags)
            {
                [EmailTagNames.TenantId] = tenantId.ToString("D"),
                [EmailTagNames.Kind] = template,
            },
        };
        var providerId = await sender.SendAsync(tagged, cancellationToken);

        await using (var done = new NpgsqlCommand(
                         "UPDATE email_deliveries SET provider_message_id = $3, sent_at = now() WHERE message_id = $1 AND template = $2",
                         connection,
                         tx))
        {
            done.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = messageId });
            done.Parameters.Add(new NpgsqlParameter<string> { TypedValue = template });
            done.Parameters.Add(new NpgsqlParameter<string> { TypedValue = providerId });
            await done.ExecuteNonQueryAsync(CancellationToken.None);
        }

        // Not cancellable: the email is out; the commit is what keeps it from going again.
        await tx.CommitAsync(CancellationToken.None);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not sending {Template} for message {MessageId}: a recipient is on the suppression list of tenant {TenantId} ({Reason})")]
    private static partial void LogSuppressed(ILogger logger, string template, Guid messageId, Guid tenantId, string reason);
}
