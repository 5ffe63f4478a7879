using BookingAws.Shared.Domain.Bookings;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using static BookingAws.Shared.Data.Bookings.BookingSql;

namespace BookingAws.Shared.Data.Bookings;

/// <summary>Everything a range of availability is computed from.</summary>
public sealed record AvailabilityFacts(
    int DurationMinutes, int MaxSeats, List<ItemUse> Uses, List<OpeningInterval> Hours, List<ClosedRange> Closures, List<Allocation> Allocations)
{
    /// <summary>Slot starts of this package where someone is on the waiting list: a newcomer's hold there is refused.</summary>
    public HashSet<Instant> WaitedFor { get; } = [];

    /// <summary>The names of the items the package uses, for wording what is left ("1 room left").</summary>
    public Dictionary<Guid, string> ItemNames { get; } = [];
}

/// <summary>
/// The facts behind a range of availability in one round trip to the replica, however many days: the
/// package with its inventory use and quantities, the opening hours, the closures in the range, the live
/// allocations around it and the slots people are waiting for. The allocations are read over a margin wider than any slot of the range can
/// occupy (a day either side); each slot then counts only those overlapping its own window.
/// </summary>
public sealed class AvailabilityReads([FromKeyedServices(DataSources.Replica)] NpgsqlDataSource replica)
{
    /// <summary>Null when the package does not exist or is archived. Runs under the ambient <see cref="DatabaseScope"/>.</summary>
    public async Task<AvailabilityFacts?> LoadAsync(
        Guid tenantId, Guid packageId, LocalDate first, LocalDate last, DateTimeZone zone, Instant now, CancellationToken ct)
    {
        var from = first.PlusDays(-1).AtStartOfDayInZone(zone).ToInstant();
        var to = last.PlusDays(2).AtStartOfDayInZone(zone).ToInstant();
        await using var connection = await replica.OpenConnectionAsync(ct);
        await using var batch = RowScope.Batch(connection);
        batch.BatchCommands.Add(Command("SELECT duration_minutes, max_seats FROM packages WHERE id = $1 AND tenant_id = $2 AND NOT archived", packageId, tenantId));
        batch.BatchCommands.Add(Command(
            "SELECT u.inventory_item_id, u.units, u.per_seat, i.quantity, i.name FROM package_inventory u JOIN inventory_items i ON i.id = u.inventory_item_id WHERE u.package_id = $1",
            packageId));
        batch.BatchCommands.Add(Command("SELECT day, opens, closes FROM opening_hours WHERE tenant_id = $1", tenantId));
        batch.BatchCommands.Add(Command("SELECT start_date, end_date FROM closures WHERE tenant_id = $1 AND start_date <= $2 AND end_date >= $3", tenantId, last, first));
        batch.BatchCommands.Add(Command(
            """
            SELECT inventory_item_id, units, occupied_from, occupied_to FROM booking_allocations
            WHERE inventory_item_id IN (SELECT inventory_item_id FROM package_inventory WHERE package_id = $1)
              AND occupied_from < $3 AND occupied_from >= $5 AND occupied_to > $2 AND (held_until IS NULL OR held_until > $4)
            """,
            packageId,
            from,
            to,
            now,
            new OccupiedWindow(from, to).EarliestOverlappingFrom));
        batch.BatchCommands.Add(Command(
            "SELECT DISTINCT starts_at FROM waitlist_entries WHERE package_id = $1 AND status = 'waiting' AND starts_at >= $2 AND starts_at < $3",
            packageId,
            from,
            to));

        // The scope's CALL (first, when there is a scope) returns no result set, so the reader starts at the package.
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var facts = new AvailabilityFacts(reader.GetInt32(0), reader.GetInt32(1), [], [], [], []);
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            facts.Uses.Add(new ItemUse(reader.GetGuid(0), reader.GetInt32(1), reader.GetBoolean(2), reader.GetInt32(3)));
            facts.ItemNames[reader.GetGuid(0)] = reader.GetString(4);
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            facts.Hours.Add(new OpeningInterval((IsoDayOfWeek)reader.GetInt32(0), reader.GetFieldValue<LocalTime>(1), reader.GetFieldValue<LocalTime>(2)));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            facts.Closures.Add(new ClosedRange(reader.GetFieldValue<LocalDate>(0), reader.GetFieldValue<LocalDate>(1)));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            facts.Allocations.Add(new Allocation(reader.GetGuid(0), reader.GetInt32(1), reader.GetFieldValue<Instant>(2), reader.GetFieldValue<Instant>(3)));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            facts.WaitedFor.Add(reader.GetFieldValue<Instant>(0));
        }

        return facts;
    }
}
