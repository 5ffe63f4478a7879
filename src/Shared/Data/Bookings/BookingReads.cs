using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static BookingAws.Shared.Data.Bookings.BookingSql;

namespace BookingAws.Shared.Data.Bookings;

/// <summary>Single-booking reads from the primary for the write side (payments, use cases), without EF.</summary>
public sealed class BookingReads([FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db)
{
    /// <summary>The booking with its policy snapshot (its tenant's current policy for a row that has none).</summary>
    public async Task<Booking?> FindAsync(Guid tenantId, Guid bookingId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(
            connection,
            $"SELECT {BookingColumnsOf("b", "t")} FROM bookings b JOIN tenants t ON t.id = b.tenant_id WHERE b.tenant_id = $1 AND b.id = $2",
            tenantId,
            bookingId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadBooking(reader) : null;
    }

    public async Task<Tenant> FindTenantAsync(Guid tenantId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await LoadTenantAsync(connection, tenantId, ct);
    }
}
