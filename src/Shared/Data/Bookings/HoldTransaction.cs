using BookingAws.Shared.Caching;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;
using BookingAws.Shared.Messaging;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using static BookingAws.Shared.Data.Bookings.BookingSql;

namespace BookingAws.Shared.Data.Bookings;

/// <summary>
/// The hold: the hottest write, in raw Npgsql because EF Core's per-request cost halves its throughput.
/// The capacity rule is enforced as everywhere: lock the package's inventory rows (in id order), read the
/// live allocations overlapping the window, decide, insert, commit, so no set of concurrent requests can
/// oversell. The booking itself (status, expiry, price, policy snapshot, first event) comes from
/// <see cref="Booking.Hold"/>.
/// </summary>
public sealed class HoldTransaction(
    [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db, BookingCatalogCache catalog, IClock clock, IActiveHoldCap? activeHoldCap = null, CacheInvalidation? cache = null, OutboxWaker? outboxWaker = null)
{
    public async Task<HoldOutcome> RunAsync(HoldCommand command, Func<Booking, Tenant, string> renderResponse, CancellationToken ct)
    {
        var now = Now(clock);
        await using var connection = await db.OpenConnectionAsync(ct);

        var context = await catalog.ForHoldAsync(connection, command.TenantSlug, command.PackageId, ct);
        if (context.Tenant is not { } tenant)
        {
            return new HoldOutcome.TenantNotFound();
        }

        // Row-level security: the statements below carry this business's scope (in their own batches, no extra round trip).
        using var rowScope = DatabaseScope.Tenant(tenant.Id);

        if (context.Package is not { } package)
        {
            return await ReplayAsync(connection, tenant.Id, command, ct) ?? new HoldOutcome.PackageNotFound();
        }

        if (command.Seats < 1 || command.Seats > package.MaxSeats)
        {
            return await ReplayAsync(connection, tenant.Id, command, ct) ?? new HoldOutcome.SeatsOutOfRange(package.MaxSeats);
        }

        if (context.OfferedSlot(command.StartsAt, now) is not { } slot)
        {
            // A retry of a hold that was made (the slot may since have passed the lead time) is still a replay.
            return await ReplayAsync(connection, tenant.Id, command, ct) ?? new HoldOutcome.SlotNotOffered();
        }

        var window = PolicySnapshot.Of(tenant.Policy).Occupied(slot.Start, slot.End);
        var cap = activeHoldCap?.For(tenant.Slug) ?? 0;

        // Two round trips hold the inventory lock: BEGIN + an earlier answer for this key, the customer, the
        // locks and the allocations they guard; then the inserts + COMMIT. COMMIT travels inside the second
        // batch (NpgsqlTransaction's commit is a round trip of its own), so the lock is released as soon as
        // the server has the rows; BEGIN is sent raw to match. If anything throws in between, returning the
        // connection to the pool rolls the open transaction back (Npgsql does so even with NoResetOnClose;
        // raw BEGIN/COMMIT is why the data sources must never use Multiplexing).
        var uses = await BookingInventory.LockAndReadUsesAsync(
            connection, tenant.Id, context.Items, window, null, now, ct, beginTransaction: true, KeyAndCustomer(tenant.Id, command, now, cap));
        var found = uses.Leading[0]!;
        if (found[1] is int storedStatus)
        {
            await RollbackAsync(connection, ct);
            return (string)found[3] == command.RequestHash
                ? new HoldOutcome.Replayed(storedStatus, (string)found[2])
                : new HoldOutcome.KeyReusedWithDifferentRequest();
        }

        // A retry of an accepted hold replayed above; a new one past the cap is refused before it writes anything.
        if (cap > 0 && (long)found[4]! >= cap)
        {
            await RollbackAsync(connection, ct);
            return new HoldOutcome.TooManyActiveHolds(cap);
        }

        if (found[5] is true)
        {
            await RollbackAsync(connection, ct);
            return new HoldOutcome.WaitlistAhead();
        }

        var customerId = found[0] as Guid?;
        CustomerCreated? createdCustomer = null;
        if (customerId is null && command.Customer.CustomerId is null)
        {
            // A first-time guest: create the customer in this transaction (its event rides in the final batch).
            (customerId, createdCustomer) = await UpsertGuestAsync(connection, tenant.Id, Email(command.Customer), command.Customer.Name!.Trim(), now, ct);
        }

        if (customerId is null)
        {
            await RollbackAsync(connection, ct);
            return new HoldOutcome.CustomerNotFound();
        }

        if (!Capacity.Fits(uses.Uses, uses.Allocations, window.From, window.To, command.Seats))
        {
            await RollbackAsync(connection, ct);

            // A concurrent retry with the same key may have taken the last unit while this one waited for
            // the lock: the client's booking exists, so answer with it rather than 409.
            return await ReplayAsync(connection, tenant.Id, command, ct) ?? new HoldOutcome.NoCapacity();
        }

        var made = Booking.Hold(
            Guid.CreateVersion7(), tenant.Id, package.Id, customerId.Value, command.Seats, slot, package.PriceMinor, package.Currency, tenant.Policy, now, command.GuestMustProveEmail);
        var booking = made.Booking;
        var body = renderResponse(booking, tenant);

        await using var batch = new NpgsqlBatch(connection);
        if (outboxWaker is not null)
        {
            // The relay is woken after COMMIT, not by the trigger at it (see OutboxWaker: a NOTIFY at commit queues every hold's commit).
            batch.BatchCommands.Add(new NpgsqlBatchCommand(OutboxWaker.SkipTriggerSql));
        }

        batch.BatchCommands.Add(made.Held is { } held
            ? InsertHold(booking, uses.Uses, window, context.PolicySnapshotJson!, held, command, body)
            : InsertHold(booking, uses.Uses, window, context.PolicySnapshotJson!, made.Confirmed!, command, body));
        if (command.LinkPersonId is { } personId)
        {
            // The person proved this email to the user pool, so the business's customer of that email is them.
            batch.BatchCommands.Add(Command(
                "UPDATE customers SET person_id = $3 WHERE tenant_id = $1 AND email = $2 AND person_id IS NULL", tenant.Id, Email(command.Customer), personId));
        }

        if (createdCustomer is not null)
        {
            batch.BatchCommands.Add(Outbox.Insert(createdCustomer, now));
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        try
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "pk_idempotency_keys")
        {
            // The same key raced in from another request and won: answer as a replay of its result. The
            // failed statement skipped the rest of the batch, COMMIT included, so the transaction is open.
            await RollbackAsync(connection, ct);
            return await ReplayAsync(connection, tenant.Id, command, ct) ?? throw new InvalidOperationException("Idempotency key vanished.");
        }

        outboxWaker?.AfterCommit();

        // Not awaited: the hold's answer does not wait for the batch (it never throws); a page refetches on the push.
        _ = cache?.BookingsChangedAsync(tenant.Id, [(window.From, window.To)], CancellationToken.None);

        return new HoldOutcome.Created(booking, body);
    }

    /// <summary>
    /// One row: the customer's id (or null), any earlier answer stored under the key (or nulls), whether anyone
    /// waits for the slot, and the customer's active holds (counted only when <paramref name="cap"/> is on: the cap costs no round trip).
    /// Concurrent holds for one email at different packages do not wait for each other, so a burst can pass
    /// the cap by a few; the per-email rate limit bounds that.
    /// </summary>
    private static NpgsqlBatchCommand KeyAndCustomer(Guid tenantId, HoldCommand command, Instant now, int cap)
    {
        const string Key = "FROM (VALUES (1)) AS one (x) LEFT JOIN idempotency_keys k ON k.tenant_id = $1 AND k.key = $2";
        var byId = command.Customer.CustomerId is not null;
        var customer = byId ? "SELECT id FROM customers WHERE id = $3 AND tenant_id = $1" : "SELECT id FROM customers WHERE tenant_id = $1 AND email = $3";
        // By customer only: a customer belongs to one business (found above by it). A b.tenant_id condition let the
        // generic plan of this prepared statement AND the business's whole booking index with the customer's, a scan
        // of every booking the business has on every hold.
        var active = cap <= 0
            ? "0::bigint"
            : $"(SELECT count(*) FROM bookings b WHERE b.customer_id = ({customer}) AND b.status = '{BookingStatus.Held}' AND b.expires_at > $4)";
        object who = byId ? command.Customer.CustomerId!.Value : Email(command.Customer);

        // While anyone waits for the slot its free seats are theirs (offers are made under the same locks). Read
        // before the lock is granted: an entry joined meanwhile found the slot full, so the capacity check refuses too.
        const string Waiting = "EXISTS (SELECT 1 FROM waitlist_entries w WHERE w.tenant_id = $1 AND w.package_id = $5 AND w.starts_at = $6 AND w.status = 'waiting')";
        return Command(
            $"SELECT ({customer}), k.status_code, k.response_body, k.request_hash, {active}, {Waiting} {Key}",
            tenantId,
            command.IdempotencyKey,
            who,
            now,
            command.PackageId,
            command.StartsAt);
    }

    /// <summary>
    /// The hold's rows in one statement (fewer statements is most of what the database spends on a hold):
    /// the booking with its policy snapshot, its allocations, the outbox event and the idempotency record.
    /// Foreign keys are checked at the end of the statement, when the booking row exists.
    /// </summary>
    private static NpgsqlBatchCommand InsertHold<TEvent>(
        Booking b, List<ItemUse> uses, OccupiedWindow window, string policyJson, TEvent evt, HoldCommand command, string body)
        where TEvent : IBookingEvent
    {
        var insert = Command(
            $"""
            WITH booking AS (
              INSERT INTO bookings ({NewBookingColumns}, policy_snapshot, email_proof)
              VALUES ({NewBookingValuesSql}, $21, $22::varchar)),
            allocations AS (
              INSERT INTO booking_allocations (booking_id, inventory_item_id, tenant_id, units, occupied_from, occupied_to, held_until)
              SELECT $1, item, $2, units, $14, $15, $9::timestamptz FROM unnest($16::uuid[], $17::int[]) AS u (item, units)),
            outbox AS (
              INSERT INTO outbox_messages ({Outbox.Columns}) VALUES ({Outbox.ValuesSql(23)}))
            INSERT INTO idempotency_keys (tenant_id, key, request_hash, status_code, response_body, created_at) VALUES ($2, $18, $19, 201, $20, $12)
            """,
            [
                .. NewBookingValues(b),
                window.From,
                window.To,
                uses.Select(u => u.InventoryItemId).ToArray(),
                uses.Select(u => u.UnitsFor(b.Seats)).ToArray(),
                command.IdempotencyKey,
                command.RequestHash,
                body,
                Jsonb(policyJson),
                (object?)b.EmailProof ?? DBNull.Value,
            ]);
        Outbox.AddParameters(insert.Parameters, evt, b.CreatedAt);
        return insert;
    }

    private static string Email(BookingCustomer customer) => customer.Email!.Trim().ToLowerInvariant();

    // DO UPDATE rather than DO NOTHING + SELECT: under READ COMMITTED a SELECT in the same statement cannot
    // see a row a concurrent transaction just inserted, while DO UPDATE always returns the row. Only
    // first-time guests get here; returning ones were found without a write. xmax = 0 only on a row this
    // statement inserted (an updated row carries our transaction id): a guest another request created meanwhile
    // is not announced twice.
    private const string UpsertGuestSql =
        """
        INSERT INTO customers (id, tenant_id, email, name, created_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (tenant_id, email) DO UPDATE SET email = EXCLUDED.email
        RETURNING id, (xmax = 0) AS inserted
        """;

    /// <summary>
    /// Creates (or finds, if a concurrent request just did) a guest's customer inside the caller's transaction; the
    /// <see cref="CustomerCreated"/> to publish with it when this statement inserted the row, for the caller's batch.
    /// </summary>
    internal static async Task<(Guid Id, CustomerCreated? Created)> UpsertGuestAsync(
        NpgsqlConnection connection, Guid tenantId, string email, string name, Instant now, CancellationToken ct)
    {
        await using var create = Command(connection, UpsertGuestSql, Guid.CreateVersion7(), tenantId, email, name, now);
        await using var reader = await create.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var id = reader.GetGuid(0);
        return (id, reader.GetBoolean(1) ? new CustomerCreated(tenantId, id, email, name, now.ToDateTimeOffset()) : null);
    }

    private static async Task<HoldOutcome?> ReplayAsync(NpgsqlConnection connection, Guid tenantId, HoldCommand command, CancellationToken ct)
    {
        await using var cmd = Command(
            connection, "SELECT status_code, response_body, request_hash FROM idempotency_keys WHERE tenant_id = $1 AND key = $2", tenantId, command.IdempotencyKey);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return reader.GetString(2) == command.RequestHash
            ? new HoldOutcome.Replayed(reader.GetInt32(0), reader.GetString(1))
            : new HoldOutcome.KeyReusedWithDifferentRequest();
    }
}
