using BookingAws.Shared.Domain.Bookings;
using NodaTime;
using Npgsql;
using static BookingAws.Shared.Data.Bookings.BookingSql;

namespace BookingAws.Shared.Data.Bookings;

/// <summary>Inventory under lock, the same way for every write that takes capacity.</summary>
internal static class BookingInventory
{
    /// <summary>
    /// Locks the items (in id order, so transactions never deadlock) and reads the allocations that
    /// overlap the window. Expired holds not yet swept no longer count. <paramref name="excluding"/> leaves
    /// out a booking's own rows when it is being moved. <paramref name="leading"/> statements run first in
    /// the same round trip; their first rows come back in <c>Leading</c>.
    /// </summary>
    public static async Task<(List<ItemUse> Uses, List<Allocation> Allocations, object[]?[] Leading)> LockAndReadUsesAsync(
        NpgsqlConnection connection,
        Guid tenantId,
        List<(Guid Item, int Units, bool PerSeat)> items,
        OccupiedWindow window,
        Guid? excluding,
        Instant now,
        CancellationToken ct,
        bool beginTransaction = false,
        params NpgsqlBatchCommand[] leading)
    {
        var ids = items.Select(i => i.Item).ToArray();
        await using var batch = new NpgsqlBatch(connection);
        if (beginTransaction)
        {
            // Returns no result set, so the reader below never sees it.
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        }

        // Inside the transaction BEGIN opened (or the caller's), so the scope lasts until its COMMIT.
        if (RowScope.Command(DatabaseScope.Current) is { } scope)
        {
            batch.BatchCommands.Add(scope);
        }

        foreach (var command in leading)
        {
            batch.BatchCommands.Add(command);
        }

        batch.BatchCommands.Add(Command("SELECT id, quantity FROM inventory_items WHERE id = ANY($1) AND tenant_id = $2 ORDER BY id FOR UPDATE", ids, tenantId));

        // The allocations read has one index it can use, so its generic plan is the plan; but PostgreSQL, seeing a
        // cheaper estimate with the actual window, re-plans it on every execution (about a tenth of the database's
        // work per hold). Generic for this one statement: SET LOCAL and RESET return nothing, so the reader is unchanged.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL plan_cache_mode = force_generic_plan"));
        batch.BatchCommands.Add(Command(
            """
            SELECT inventory_item_id, units, occupied_from, occupied_to FROM booking_allocations
            WHERE inventory_item_id = ANY($1) AND occupied_from < $3 AND occupied_from >= $6 AND occupied_to > $2
              AND (held_until IS NULL OR held_until > $4) AND booking_id IS DISTINCT FROM $5::uuid
            """,
            ids,
            window.From,
            window.To,
            now,
            (object?)excluding ?? DBNull.Value,
            window.EarliestOverlappingFrom));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("RESET plan_cache_mode"));

        var quantities = new Dictionary<Guid, int>();
        var allocations = new List<Allocation>();
        var leadingRows = new object[]?[leading.Length];
        await using var reader = await batch.ExecuteReaderAsync(ct);
        for (var i = 0; i < leading.Length; i++)
        {
            if (await reader.ReadAsync(ct))
            {
                leadingRows[i] = new object[reader.FieldCount];
                reader.GetValues(leadingRows[i]!);
            }

            await reader.NextResultAsync(ct);
        }

        while (await reader.ReadAsync(ct))
        {
            quantities[reader.GetGuid(0)] = reader.GetInt32(1);
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            allocations.Add(new Allocation(reader.GetGuid(0), reader.GetInt32(1), reader.GetFieldValue<Instant>(2), reader.GetFieldValue<Instant>(3)));
        }

        // An item missing here was deleted under us: treat it as having no units, so nothing is sold.
        var uses = items.ConvertAll(i => new ItemUse(i.Item, i.Units, i.PerSeat, quantities.GetValueOrDefault(i.Item)));
        return (uses, allocations, leadingRows);
    }
}
