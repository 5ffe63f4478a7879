using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Email;
using Npgsql;

namespace BookingAws.Workers.Email;

/// <summary>The <c>email_suppressions</c> table: addresses a tenant (or, without a tenant, the whole platform) no longer emails.</summary>
public sealed class SuppressionList([FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db)
{
    /// <summary>Adds the addresses; an address already on the list keeps its first row. Returns how many were new.</summary>
    public async Task<int> AddAsync(Guid? tenantId, IReadOnlyCollection<string> emails, string reason, string? sourceMessageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emails);
        await using var cmd = db.CreateCommand(
            """
            INSERT INTO email_suppressions (id, tenant_id, email, reason, source_message_id, created_at)
            SELECT gen_random_uuid(), $1, e, $3, $4, now() FROM unnest($2::text[]) AS e
            ON CONFLICT DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = tenantId is { } id ? id : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. emails.Select(EmailSuppression.Normalize).Distinct(StringComparer.Ordinal)] });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)sourceMessageId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Why <paramref name="email"/> is suppressed for <paramref name="tenantId"/> (its own row or a platform-wide one), or null.</summary>
    public static async Task<string?> ReasonAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenantId, string email, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT reason FROM email_suppressions WHERE email = $2 AND (tenant_id = $1 OR tenant_id IS NULL) ORDER BY tenant_id NULLS LAST LIMIT 1",
            connection,
            transaction);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EmailSuppression.Normalize(email) });
        return await cmd.ExecuteScalarAsync(cancellationToken) as string;
    }
}
