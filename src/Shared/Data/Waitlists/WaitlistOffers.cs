using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;
using BookingAws.Shared.Domain.Waitlists;
using BookingAws.Shared.Messaging;
using NodaTime;
using Npgsql;
using static BookingAws.Shared.Data.Bookings.BookingSql;

namespace BookingAws.Shared.Data.Waitlists;

/// <summary>
/// Offers free seats to waiting lists inside the caller's open transaction, under the inventory locks a hold takes,
/// so an offer and a hold can never both get one seat and no seat is offered twice. Entries of one slot are served
/// in join order; the first that does not fit stops its slot (a later, smaller party does not jump the line).
/// </summary>
internal static class WaitlistOffers
{
    /// <summary>
    /// After a change of this transaction freed <paramref name="freed"/> of a package's inventory: locks the package's
    /// items (in id order, as a hold does) and, only if anyone waits for the package, offers what now fits. Returns the
    /// windows whose availability the offers changed.
    /// </summary>
    public static async Task<List<OccupiedWindow>> OfferFreedAsync(
        NpgsqlConnection connection, Guid tenantId, Guid packageId, OccupiedWindow? freed, Instant now, CancellationToken ct)
    {
        await using (var check = Command(
            connection,
            """
            SELECT id FROM inventory_items WHERE id IN (SELECT inventory_item_id FROM package_inventory WHERE package_id = $2) AND tenant_id = $1 ORDER BY id FOR UPDATE
            """,
            tenantId,
            packageId))
        {
            await check.ExecuteNonQueryAsync(ct);
        }

        // Read after the lock: an entry committed by a join that held it is seen here.
        await using (var waiting = Command(
            connection, "SELECT EXISTS (SELECT 1 FROM waitlist_entries WHERE tenant_id = $1 AND package_id = $2 AND status = 'waiting')", tenantId, packageId))
        {
            if (await waiting.ExecuteScalarAsync(ct) is not true)
            {
                return [];
            }
        }

        var tenant = await LoadTenantAsync(connection, tenantId, ct);
        var catalog = await BookingCatalogCache.LoadForChangeAsync(connection, tenantId, packageId, freed?.From ?? now, tenant, ct);
        return await OfferAsync(connection, tenant, catalog, freed, now, ct);
    }

    /// <summary>
    /// Offers to the waiting entries of <paramref name="catalog"/>'s package whose window overlaps <paramref name="freed"/>
    /// (every future one when null). Entries of slots no longer offered (started, inside the lead time, closed) are closed.
    /// </summary>
    public static async Task<List<OccupiedWindow>> OfferAsync(
        NpgsqlConnection connection, Tenant tenant, BookingCatalog catalog, OccupiedWindow? freed, Instant now, CancellationToken ct)
    {
        var changed = new List<OccupiedWindow>();
        if (catalog.Package is not { } package)
        {
            return changed;
        }

        var terms = PolicySnapshot.Of(tenant.Policy);
        var duration = Duration.FromMinutes(package.DurationMinutes);

        // An entry's window [start − before, start + duration + after) overlaps [From, To) exactly for starts in these bounds.
        var after = freed is { } f ? f.From - duration - Duration.FromMinutes(terms.BufferAfterMinutes) : now - Duration.FromDays(1);
        var before = freed is { } g ? g.To + Duration.FromMinutes(terms.BufferBeforeMinutes) : now + Duration.FromDays(3660);
        var entries = new List<WaitlistEntry>();
        await using (var read = Command(
            connection,
            """
            SELECT id, customer_id, starts_at, seats, guest_must_prove_email, created_at FROM waitlist_entries
            WHERE tenant_id = $1 AND package_id = $2 AND status = 'waiting' AND starts_at > $3 AND starts_at < $4
            ORDER BY starts_at, created_at, id FOR UPDATE
            """,
            tenant.Id,
            package.Id,
            after,
            before))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                entries.Add(new WaitlistEntry
                {
                    Id = reader.GetGuid(0),
                    TenantId = tenant.Id,
                    PackageId = package.Id,
                    CustomerId = reader.GetGuid(1),
                    StartsAt = reader.GetFieldValue<Instant>(2),
                    Seats = reader.GetInt32(3),
                    GuestMustProveEmail = reader.GetBoolean(4),
                    CreatedAt = reader.GetFieldValue<Instant>(5),
                    Status = WaitlistStatus.Waiting,
                });
            }
        }

        var policyJson = ToJson(terms);
        Instant? stopped = null;
        foreach (var entry in entries)
        {
            if (entry.StartsAt == stopped)
            {
                continue;
            }

            if (catalog.OfferedSlot(entry.StartsAt, now) is not { } slot)
            {
                await using var close = Command(
                    connection, "UPDATE waitlist_entries SET status = 'closed', updated_at = $3 WHERE tenant_id = $1 AND id = $2", tenant.Id, entry.Id, now);
                await close.ExecuteNonQueryAsync(ct);
                continue;
            }

            var window = terms.Occupied(slot.Start, slot.End);
            var (uses, allocations, _) = await BookingInventory.LockAndReadUsesAsync(connection, tenant.Id, catalog.Items, window, null, now, ct);
            if (!Capacity.Fits(uses, allocations, window.From, window.To, entry.Seats))
            {
                stopped = entry.StartsAt;
                continue;
            }

            var offer = WaitlistRules.Offer(Guid.CreateVersion7(), entry, slot, package.PriceMinor, package.Currency, tenant.Policy, now);
            await using var batch = RowScope.Batch(connection);
            batch.BatchCommands.Add(InsertBooking(offer.Booking, policyJson));
            batch.BatchCommands.Add(InsertAllocations(offer.Booking, uses, window, offer.Booking.ExpiresAt));
            if (offer.Held is { } held)
            {
                batch.BatchCommands.Add(Outbox.Insert(held, now));
            }

            if (offer.Offered is { } offered)
            {
                batch.BatchCommands.Add(Outbox.Insert(offered, now));
            }

            if (offer.Confirmed is { } confirmed)
            {
                batch.BatchCommands.Add(Outbox.Insert(confirmed, now));
            }

            batch.BatchCommands.Add(Command(
                "UPDATE waitlist_entries SET status = 'offered', booking_id = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2",
                tenant.Id,
                entry.Id,
                offer.Booking.Id,
                now));
            await batch.ExecuteNonQueryAsync(ct);
            changed.Add(window);
        }

        return changed;
    }

    private static NpgsqlBatchCommand InsertBooking(Booking b, string policyJson) => Command(
        $"INSERT INTO bookings ({NewBookingColumns}, policy_snapshot, email_proof) VALUES ({NewBookingValuesSql}, $14, $15::varchar)",
        [.. NewBookingValues(b), Jsonb(policyJson), (object?)b.EmailProof ?? DBNull.Value]);
}
