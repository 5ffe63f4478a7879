using BookingAws.Shared.Caching;
using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Waitlists;
using BookingAws.Shared.Messaging;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using static BookingAws.Shared.Data.Bookings.BookingSql;

namespace BookingAws.Shared.Data.Waitlists;

/// <summary>
/// Waiting lists in raw Npgsql beside the hold they guard: joining takes the hold's inventory locks (so "the slot is
/// full" and a cancel's offer are ordered), and offers made in a transaction of their own for seats freed elsewhere
/// (the expiry sweep, a raised quantity, the backstop sweep) use the same <see cref="WaitlistOffers"/>.
/// </summary>
public sealed class WaitlistStore(
    [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db, BookingCatalogCache catalog, IClock clock, CacheInvalidation? cache = null)
{
    private const string EntryColumns =
        "w.id, w.tenant_id, w.package_id, w.customer_id, w.starts_at, w.seats, w.status, w.guest_must_prove_email, w.created_at, w.updated_at, w.booking_id";

    /// <summary>1-based place among those waiting for the same slot, in the order offers are made; 0 once not waiting.</summary>
    private const string PositionOfW =
        """
        CASE WHEN w.status = 'waiting' THEN (SELECT count(*)::int FROM waitlist_entries o WHERE o.tenant_id = w.tenant_id AND o.package_id = w.package_id
          AND o.starts_at = w.starts_at AND o.status = 'waiting' AND (o.created_at, o.id) <= (w.created_at, w.id)) ELSE 0 END
        """;

    public async Task<JoinWaitlistOutcome> JoinAsync(JoinWaitlistCommand command, CancellationToken ct)
    {
        var now = Now(clock);
        await using var connection = await db.OpenConnectionAsync(ct);
        var context = await catalog.ForHoldAsync(connection, command.TenantSlug, command.PackageId, ct);
        if (context.Tenant is not { } tenant)
        {
            return new JoinWaitlistOutcome.TenantNotFound();
        }

        using var rowScope = DatabaseScope.Tenant(tenant.Id);
        if (context.Package is not { } package)
        {
            return new JoinWaitlistOutcome.PackageNotFound();
        }

        if (command.Seats < 1 || command.Seats > package.MaxSeats)
        {
            return new JoinWaitlistOutcome.SeatsOutOfRange(package.MaxSeats);
        }

        if (context.OfferedSlot(command.StartsAt, now) is not { } slot)
        {
            return new JoinWaitlistOutcome.SlotNotOffered();
        }

        var window = PolicySnapshot.Of(tenant.Policy).Occupied(slot.Start, slot.End);
        var email = command.Customer.Email!.Trim().ToLowerInvariant();

        // BEGIN and the hold's locks; the queue is read after them, so joins of one package are serialised with its holds and offers.
        var (uses, allocations, _) = await BookingInventory.LockAndReadUsesAsync(connection, tenant.Id, context.Items, window, null, now, ct, beginTransaction: true);
        Guid? customerId;
        bool alreadyWaiting;
        int waiting;
        await using (var read = Command(
            connection,
            """
            SELECT c.id,
              EXISTS (SELECT 1 FROM waitlist_entries w WHERE w.tenant_id = $1 AND w.package_id = $2 AND w.starts_at = $3 AND w.customer_id = c.id AND w.status = 'waiting'),
              (SELECT count(*)::int FROM waitlist_entries w WHERE w.tenant_id = $1 AND w.package_id = $2 AND w.starts_at = $3 AND w.status = 'waiting')
            FROM (VALUES (1)) AS one (x) LEFT JOIN customers c ON c.tenant_id = $1 AND c.email = $4
            """,
            tenant.Id,
            package.Id,
            slot.Start,
            email))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            customerId = reader.IsDBNull(0) ? null : reader.GetGuid(0);
            alreadyWaiting = reader.GetBoolean(1);
            waiting = reader.GetInt32(2);
        }

        if (!WaitlistRules.MayJoin(Capacity.Fits(uses, allocations, window.From, window.To, command.Seats), waiting > 0))
        {
            await RollbackAsync(connection, ct);
            return new JoinWaitlistOutcome.SeatsAvailable();
        }

        if (alreadyWaiting)
        {
            await RollbackAsync(connection, ct);
            return new JoinWaitlistOutcome.AlreadyWaiting();
        }

        CustomerCreated? createdCustomer = null;
        if (customerId is null)
        {
            (customerId, createdCustomer) = await HoldTransaction.UpsertGuestAsync(connection, tenant.Id, email, command.Customer.Name!.Trim(), now, ct);
        }

        var entry = new WaitlistEntry
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenant.Id,
            PackageId = package.Id,
            CustomerId = customerId!.Value,
            StartsAt = slot.Start,
            Seats = command.Seats,
            Status = WaitlistStatus.Waiting,
            GuestMustProveEmail = command.GuestMustProveEmail,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await using var insert = Command(
            connection,
            """
            INSERT INTO waitlist_entries (id, tenant_id, package_id, customer_id, starts_at, seats, status, guest_must_prove_email, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9);
            """,
            entry.Id,
            entry.TenantId,
            entry.PackageId,
            entry.CustomerId,
            entry.StartsAt,
            entry.Seats,
            entry.Status,
            entry.GuestMustProveEmail,
            now);
        if (createdCustomer is not null)
        {
            insert.BatchCommands.Add(Outbox.Insert(createdCustomer, now));
        }

        insert.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await insert.ExecuteNonQueryAsync(ct);
        return new JoinWaitlistOutcome.Joined(new WaitlistEntryView(entry, waiting + 1, tenant.TimeZone));
    }

    /// <summary>The entry with its place in line, from the primary (read straight after joining); null when there is none.</summary>
    public async Task<WaitlistEntryView?> FindAsync(Guid entryId, CancellationToken ct)
    {
        using var scope = DatabaseScope.System("a waiting-list entry named by id (the caller proves it with the entry's token)");
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(
            connection,
            $"SELECT {EntryColumns}, t.time_zone, {PositionOfW} FROM waitlist_entries w JOIN tenants t ON t.id = w.tenant_id WHERE w.id = $1",
            entryId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new WaitlistEntryView(ReadEntry(reader), reader.GetInt32(12), reader.GetString(11)) : null;
    }

    /// <summary>Takes a waiting entry off its list; the seats its place blocked (when it was first) are offered to the next.</summary>
    public async Task<LeaveWaitlistOutcome> LeaveAsync(Guid entryId, CancellationToken ct)
    {
        if (await FindAsync(entryId, ct) is not { } found)
        {
            return new LeaveWaitlistOutcome.NotFound();
        }

        var entry = found.Entry;
        using (DatabaseScope.Tenant(entry.TenantId))
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var leave = Command(
                connection,
                "UPDATE waitlist_entries SET status = 'left', updated_at = $3 WHERE tenant_id = $1 AND id = $2 AND status = 'waiting'",
                entry.TenantId,
                entry.Id,
                Now(clock));
            if (await leave.ExecuteNonQueryAsync(ct) == 0)
            {
                return new LeaveWaitlistOutcome.NotWaiting(await FindAsync(entryId, ct) ?? found);
            }
        }

        await OfferAsync(entry.TenantId, entry.PackageId, null, ct);
        return new LeaveWaitlistOutcome.Left((await FindAsync(entryId, ct))!);
    }

    /// <summary>
    /// Offers what fits now to the package's waiting entries whose slots overlap <paramref name="freed"/> (every
    /// future one when null), in a transaction of its own under the hold's locks. Returns how many offers it made.
    /// </summary>
    public async Task<int> OfferAsync(Guid tenantId, Guid packageId, OccupiedWindow? freed, CancellationToken ct)
    {
        using var scope = DatabaseScope.Tenant(tenantId);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var offered = await WaitlistOffers.OfferFreedAsync(connection, tenantId, packageId, freed, Now(clock), ct);
        await tx.CommitAsync(ct);
        if (cache is not null && offered.Count > 0)
        {
            await cache.BookingsChangedAsync(tenantId, offered.Select(w => (w.From, w.To)), CancellationToken.None);
        }

        return offered.Count;
    }

    /// <summary>An item's quantity went up: every package using it offers to its waiting lists. Returns the offers made.</summary>
    public async Task<int> OfferForItemAsync(Guid tenantId, Guid itemId, CancellationToken ct)
    {
        List<Guid> packages = [];
        using (DatabaseScope.Tenant(tenantId))
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var cmd = Command(
                connection,
                """
                SELECT DISTINCT w.package_id FROM waitlist_entries w JOIN package_inventory pi ON pi.package_id = w.package_id
                WHERE w.tenant_id = $1 AND pi.inventory_item_id = $2 AND w.status = 'waiting'
                """,
                tenantId,
                itemId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                packages.Add(reader.GetGuid(0));
            }
        }

        var made = 0;
        foreach (var package in packages)
        {
            made += await OfferAsync(tenantId, package, null, ct);
        }

        return made;
    }

    /// <summary>
    /// The backstop, run by the workers' sweep: closes entries whose slot has started, then offers to every package
    /// with anyone waiting. Catches seats freed where no offer is made in the freeing transaction (another package
    /// sharing the inventory, opening hours, a failure between a commit and its offer). Returns the offers made.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = Now(clock);
        List<(Guid Tenant, Guid Package)> waiting = [];
        using (DatabaseScope.System("waiting lists of every business (the offer backstop)"))
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using (var close = Command(
                connection, "UPDATE waitlist_entries SET status = 'closed', updated_at = $1 WHERE status = 'waiting' AND starts_at <= $1", now))
            {
                await close.ExecuteNonQueryAsync(ct);
            }

            await using var cmd = Command(connection, "SELECT DISTINCT tenant_id, package_id FROM waitlist_entries WHERE status = 'waiting'");
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                waiting.Add((reader.GetGuid(0), reader.GetGuid(1)));
            }
        }

        var made = 0;
        foreach (var (tenant, package) in waiting)
        {
            made += await OfferAsync(tenant, package, null, ct);
        }

        return made;
    }

    private static WaitlistEntry ReadEntry(NpgsqlDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetGuid(1),
        PackageId = r.GetGuid(2),
        CustomerId = r.GetGuid(3),
        StartsAt = r.GetFieldValue<Instant>(4),
        Seats = r.GetInt32(5),
        Status = r.GetString(6),
        GuestMustProveEmail = r.GetBoolean(7),
        CreatedAt = r.GetFieldValue<Instant>(8),
        UpdatedAt = r.GetFieldValue<Instant>(9),
        BookingId = r.IsDBNull(10) ? null : r.GetGuid(10),
    };
}
