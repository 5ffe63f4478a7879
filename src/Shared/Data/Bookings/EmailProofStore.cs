using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using static BookingAws.Shared.Data.Bookings.BookingSql;

namespace BookingAws.Shared.Data.Bookings;

/// <summary>What checking a guest's one-time code needs to know about the booking, before any lock is taken.</summary>
public sealed record EmailProofTarget(Guid TenantId, string Email, string? EmailProof, int Failures);

/// <summary>The reads and the failure count behind a guest's one-time code (the change itself is a <see cref="BookingChange"/>).</summary>
public sealed class EmailProofStore([FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db)
{
    /// <summary>The booking's business, the address the code was sent to and the proof's state; null when there is no such booking.</summary>
    public async Task<EmailProofTarget?> FindAsync(Guid bookingId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(
            connection,
            "SELECT b.tenant_id, c.email, b.email_proof, b.email_proof_failures FROM bookings b JOIN customers c ON c.id = b.customer_id WHERE b.id = $1",
            bookingId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new EmailProofTarget(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt32(3))
            : null;
    }

    /// <summary>Counts one wrong code and returns the count; atomic, so concurrent guesses cannot share one try.</summary>
    public async Task<int> CountFailureAsync(Guid tenantId, Guid bookingId, Instant now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(
            connection,
            "UPDATE bookings SET email_proof_failures = email_proof_failures + 1, updated_at = $3 WHERE tenant_id = $1 AND id = $2 RETURNING email_proof_failures",
            tenantId,
            bookingId,
            now);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
