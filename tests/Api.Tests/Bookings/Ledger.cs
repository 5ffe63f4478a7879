using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

using Npgsql;

namespace BookingAws.Api.Tests.Bookings;

/// <summary>Direct SQL checks on the primary, independent of the code under test.</summary>
public static class Ledger
{
    /// <summary>
    /// Instants at which live bookings (held and unexpired, or confirmed) use more of an item than exists,
    /// computed from the bookings table itself rather than from the allocation rows the code maintains.
    /// </summary>
    public static async Task<List<string>> OversoldAsync(IServiceProvider services, Guid itemId)
    {
        // The owner: the ledger checks the whole table, independently of the app's scoping.
        var db = PlatformDatabase.OwnerSource;
        await using var cmd = db.CreateCommand(
            """
            WITH live AS (
                SELECT b.starts_at AS f, b.ends_at AS t,
                       CASE WHEN pi.per_seat THEN pi.units * b.seats ELSE pi.units END AS units
                FROM bookings b JOIN package_inventory pi ON pi.package_id = b.package_id
                WHERE pi.inventory_item_id = $1
                  AND (b.status = 'confirmed' OR (b.status = 'held' AND b.expires_at > now())))
            SELECT p.f::text || ' uses ' || sum(l.units) || ' of ' || i.quantity
            FROM (SELECT DISTINCT f FROM live) p JOIN live l ON l.f <= p.f AND l.t > p.f
            JOIN inventory_items i ON i.id = $1
            GROUP BY p.f, i.quantity
            HAVING sum(l.units) > i.quantity
            """);
        cmd.Parameters.AddWithValue(itemId);
        var violations = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            violations.Add(reader.GetString(0));
        }

        return violations;
    }

    /// <summary>One value read as the owner (outside the app's scoping), e.g. a column the API does not show.</summary>
    /// <summary>
    /// Makes a hold's time run out now (booking and allocations), so a sweep with the real clock expires it and
    /// nothing else: tests share the database, and a sweep with a clock in the future would end their holds too.
    /// </summary>
    public static async Task BackdateHoldAsync(Guid bookingId)
    {
        await using var batch = PlatformDatabase.OwnerSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE bookings SET expires_at = now() - interval '1 second' WHERE id = $1 AND status = 'held'") { Parameters = { new() { Value = bookingId } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE booking_allocations SET held_until = now() - interval '1 second' WHERE booking_id = $1 AND held_until IS NOT NULL") { Parameters = { new() { Value = bookingId } } });
        await batch.ExecuteNonQueryAsync();
    }

    public static async Task<long> ScalarAsync(string sql, params object[] values)
    {
        await using var cmd = PlatformDatabase.OwnerSource.CreateCommand(sql);
        foreach (var value in values)
        {
            cmd.Parameters.AddWithValue(value);
        }

        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<List<(string Status, int Seats)>> BookingsAsync(IServiceProvider services, Guid tenantId)
    {
        await using var scope = services.CreateAsyncScope();
        using var rowScope = DatabaseScope.Tenant(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        db.TenantId = tenantId;
        return (await db.Bookings.OrderBy(b => b.CreatedAt).Select(b => new { b.Status, b.Seats }).ToListAsync())
            .ConvertAll(b => (b.Status, b.Seats));
    }

    /// <summary>One booking's status as the primary has it.</summary>
    public static async Task<string> StatusAsync(IServiceProvider services, Guid tenantId, Guid bookingId)
    {
        await using var scope = services.CreateAsyncScope();
        using var rowScope = DatabaseScope.Tenant(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        db.TenantId = tenantId;
        return await db.Bookings.Where(b => b.Id == bookingId).Select(b => b.Status).SingleAsync();
    }

    public static async Task<List<OutboxMessage>> OutboxAsync(IServiceProvider services, Guid tenantId)
    {
        await using var scope = services.CreateAsyncScope();
        using var rowScope = DatabaseScope.Tenant(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        return await db.OutboxMessages.Where(m => m.TenantId == tenantId).OrderBy(m => m.OccurredAt).ThenBy(m => m.Id).ToListAsync();
    }
}
