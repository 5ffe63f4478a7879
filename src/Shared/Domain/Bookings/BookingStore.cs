using System.Data;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Tenants;
using BookingAws.Shared.Messaging;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace BookingAws.Shared.Domain.Bookings;

/// <summary>
/// Every write to bookings. Written in raw Npgsql because the hold is the hottest path and EF Core's
/// per-request cost halves its throughput. The capacity rule is enforced the same way everywhere:
/// lock the package's inventory rows (FOR UPDATE, in id order so transactions never deadlock), read the
/// live allocations overlapping the window, decide, insert, commit. Two transactions touching the same
/// item therefore run one after the other, and no set of concurrent requests can oversell.
/// </summary>
public sealed class BookingStore([FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db, IClock clock) : IDisposable
{
    public static readonly TimeSpan CatalogCacheFor = TimeSpan.FromSeconds(5);

    private readonly MemoryCache catalog = new(new MemoryCacheOptions());

    private const string BookingColumns =
        "id, tenant_id, package_id, customer_id, status, seats, starts_at, ends_at, expires_at, amount_minor, currency, " +
        "created_at, updated_at, confirmed_at, cancelled_at, cancelled_by, cancel_reason, payment_intent_id, receipt_number";

    public async Task<HoldOutcome> HoldAsync(HoldCommand command, Func<Booking, Tenant, string> renderResponse, CancellationToken ct)
    {
        var now = Now();
        await using var connection = await db.OpenConnectionAsync(ct);

        var context = await HoldContextAsync(connection, command, ct);
        if (context?.Tenant is not { } tenant)
        {
            return new HoldOutcome.TenantNotFound();
        }

        if (context.Package is not { } package)
        {
            return await ReplayAsync(connection, tenant.Id, command, ct) ?? new HoldOutcome.PackageNotFound();
        }

        if (command.Seats < 1 || command.Seats > package.MaxSeats)
        {
            return await ReplayAsync(connection, tenant.Id, command, ct) ?? new HoldOutcome.SeatsOutOfRange(package.MaxSeats);
        }

        var zone = DateTimeZoneProviders.Tzdb[tenant.TimeZone];
        var date = command.StartsAt.InZone(zone).Date;
        var slot = SlotCalculator
            .Slots(zone, tenant.Policy, Duration.FromMinutes(package.DurationMinutes), context.Hours, context.Closures, date, date, now)
            .FirstOrDefault(s => s.Start == command.StartsAt);
        if (slot is null)
        {
            // A retry of a hold that was made (the slot may since have passed the lead time) is still a replay.
            return await ReplayAsync(connection, tenant.Id, command, ct) ?? new HoldOutcome.SlotNotOffered();
        }

        var (from, to) = slot.Occupied(tenant.Policy);
        var free = package.PriceMinor == 0;
        var expiresAt = free ? (Instant?)null : now + Duration.FromMinutes(tenant.Policy.HoldMinutes);

        // Two round trips hold the inventory lock: BEGIN + an earlier answer for this key, the customer, the
        // locks and the allocations they guard; then the inserts + COMMIT. COMMIT travels inside the second
        // batch (NpgsqlTransaction's commit is a round trip of its own), so the lock is released as soon as
        // the server has the rows; BEGIN is sent raw to match. If anything throws in between, returning the
        // connection to the pool rolls the open transaction back (Npgsql does so even with NoResetOnClose;
        // raw BEGIN/COMMIT is why the data sources must never use Multiplexing).
        var uses = await LockAndReadUsesAsync(
            connection,
            tenant.Id,
            context.Items,
            from,
            to,
            null,
            now,
            ct,
            beginTransaction: true,
            KeyAndCustomer(tenant.Id, command));
        var found = uses.Leading[0]!;
        if (found[1] is int storedStatus)
        {
            await RollbackAsync(connection, ct);
            return (string)found[3] == command.RequestHash
                ? new HoldOutcome.Replayed(storedStatus, (string)found[2])
                : new HoldOutcome.KeyReusedWithDifferentRequest();
        }

        var customerId = found[0] as Guid?;
        if (customerId is null && command.Customer.CustomerId is null)
        {
            // A first-time guest: create the customer in this transaction.
            await using var create = Command(connection, UpsertGuestSql, Guid.CreateVersion7(), tenant.Id, Email(command.Customer), command.Customer.Name!.Trim(), now);
            customerId = (Guid?)await create.ExecuteScalarAsync(ct);
        }

        if (customerId is null)
        {
            await RollbackAsync(connection, ct);
            return new HoldOutcome.CustomerNotFound();
        }

        if (!Capacity.Fits(uses.Uses, uses.Allocations, from, to, command.Seats))
        {
            await RollbackAsync(connection, ct);

            // A concurrent retry with the same key may have taken the last unit while this one waited for
            // the lock: the client's booking exists, so answer with it rather than 409.
            return await ReplayAsync(connection, tenant.Id, command, ct) ?? new HoldOutcome.NoCapacity();
        }

        var booking = new Booking
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenant.Id,
            PackageId = package.Id,
            CustomerId = customerId.Value,
            Status = free ? BookingStatus.Confirmed : BookingStatus.Held,
            Seats = command.Seats,
            StartsAt = slot.Start,
            EndsAt = slot.End,
            ExpiresAt = expiresAt,
            AmountMinor = package.PriceMinor * command.Seats,
            Currency = package.Currency,
            CreatedAt = now,
            UpdatedAt = now,
            ConfirmedAt = free ? now : null,
        };
        var body = renderResponse(booking, tenant);

        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(free
            ? InsertHold(booking, uses.Uses, from, to, new BookingConfirmed(Snapshot(booking), now.ToDateTimeOffset(), null, null), command, body)
            : InsertHold(booking, uses.Uses, from, to, new BookingHeld(Snapshot(booking), expiresAt!.Value.ToDateTimeOffset()), command, body));
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

        return new HoldOutcome.Created(booking, body);
    }

    /// <summary>
    /// Held → confirmed (payment arrived, or the business took payment in person). The booking's inventory
    /// rows are locked like a hold's before the expiry is judged, so a hold that lapsed while this waited
    /// cannot be revived over capacity someone else has just taken.
    /// </summary>
    public async Task<ChangeOutcome> ConfirmAsync(Guid tenantId, Guid bookingId, string? paymentIntentId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var current = await LockBookingAsync(connection, tenantId, bookingId, ct);
        if (current is null)
        {
            return new ChangeOutcome.NotFound();
        }

        await using (var lockItems = Command(
            connection,
            "SELECT id FROM inventory_items WHERE id IN (SELECT inventory_item_id FROM booking_allocations WHERE booking_id = $1) ORDER BY id FOR UPDATE",
            bookingId))
        {
            await lockItems.ExecuteNonQueryAsync(ct);
        }

        var now = Now();
        if (current.Status != BookingStatus.Held || current.ExpiresAt <= now)
        {
            return new ChangeOutcome.WrongState(current.Status == BookingStatus.Held ? BookingStatus.Expired : current.Status);
        }

        int? receipt = paymentIntentId is null || current.AmountMinor == 0 ? null : await NextReceiptNumberAsync(connection, tenantId, ct);
        var updated = await UpdateAsync(
            connection,
            "UPDATE bookings SET status = 'confirmed', expires_at = NULL, confirmed_at = $3, updated_at = $3, payment_intent_id = coalesce($4, payment_intent_id), receipt_number = $5 WHERE tenant_id = $1 AND id = $2",
            ct,
            tenantId,
            bookingId,
            now,
            (object?)paymentIntentId ?? DBNull.Value,
            (object?)receipt ?? DBNull.Value);
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(Command("UPDATE booking_allocations SET held_until = NULL WHERE booking_id = $1", bookingId));
        batch.BatchCommands.Add(Outbox.Insert(new BookingConfirmed(Snapshot(updated), now.ToDateTimeOffset(), updated.PaymentIntentId, updated.ReceiptNumber), now));
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return new ChangeOutcome.Done(updated);
    }

    /// <summary>
    /// A payment succeeded: confirms the hold. A hold whose time ran out (swept or not) is confirmed only
    /// if its slot is still in the future and its capacity is still free, checked under the same locks
    /// as a new hold, so a late payment never takes someone else's place. Anything else is WrongState
    /// or NoCapacity and the caller refunds.
    /// </summary>
    public async Task<ChangeOutcome> ConfirmPaidAsync(Guid tenantId, Guid bookingId, string paymentIntentId, CancellationToken ct)
    {
        var onTime = await ConfirmAsync(tenantId, bookingId, paymentIntentId, ct);
        if (onTime is not ChangeOutcome.WrongState { Status: BookingStatus.Expired })
        {
            return onTime;
        }

        var now = Now();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var current = await LockBookingAsync(connection, tenantId, bookingId, ct);
        if (current is null)
        {
            return new ChangeOutcome.NotFound();
        }

        if (current.Status is not (BookingStatus.Held or BookingStatus.Expired) || current.StartsAt <= now)
        {
            return new ChangeOutcome.WrongState(current.Status == BookingStatus.Held ? BookingStatus.Expired : current.Status);
        }

        var tenant = await LoadTenantAsync(connection, tenantId, ct);
        var context = await LoadPackageContextAsync(connection, tenantId, current.PackageId, current.StartsAt, tenant, ct);
        var from = current.StartsAt - Duration.FromMinutes(tenant.Policy.BufferBeforeMinutes);
        var to = current.EndsAt + Duration.FromMinutes(tenant.Policy.BufferAfterMinutes);
        var uses = await LockAndReadUsesAsync(connection, tenantId, context.Items, from, to, bookingId, now, ct);
        if (!Capacity.Fits(uses.Uses, uses.Allocations, from, to, current.Seats))
        {
            return new ChangeOutcome.NoCapacity();
        }

        var receipt = await NextReceiptNumberAsync(connection, tenantId, ct);
        var updated = await UpdateAsync(
            connection,
            "UPDATE bookings SET status = 'confirmed', expires_at = NULL, confirmed_at = $3, updated_at = $3, payment_intent_id = $4, receipt_number = $5 WHERE tenant_id = $1 AND id = $2",
            ct,
            tenantId,
            bookingId,
            now,
            paymentIntentId,
            receipt);
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(Command("DELETE FROM booking_allocations WHERE booking_id = $1", bookingId));
        batch.BatchCommands.Add(InsertAllocations(updated, uses.Uses, from, to, null));
        batch.BatchCommands.Add(Outbox.Insert(new BookingConfirmed(Snapshot(updated), now.ToDateTimeOffset(), paymentIntentId, receipt), now));
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return new ChangeOutcome.Done(updated);
    }

    /// <summary>The payment failed or was cancelled: a hold (and only a hold) is released at once.</summary>
    public Task<ChangeOutcome> ReleaseHoldAsync(Guid tenantId, Guid bookingId, string reason, CancellationToken ct) =>
        CancelCoreAsync(tenantId, bookingId, Actor.System, reason, onlyHeld: true, ct);

    public async Task<Booking?> FindAsync(Guid tenantId, Guid bookingId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(connection, $"SELECT {BookingColumns} FROM bookings WHERE tenant_id = $1 AND id = $2", tenantId, bookingId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadBooking(reader) : null;
    }

    public async Task<Tenant> FindTenantAsync(Guid tenantId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await LoadTenantAsync(connection, tenantId, ct);
    }

    /// <summary>
    /// Cancels a held or confirmed booking and frees its inventory at once. A customer may cancel a
    /// confirmed booking only until the business's cancellation window before the start.
    /// </summary>
    public Task<ChangeOutcome> CancelAsync(Guid tenantId, Guid bookingId, Actor actor, string? reason, CancellationToken ct) =>
        CancelCoreAsync(tenantId, bookingId, actor, reason, onlyHeld: false, ct);

    private async Task<ChangeOutcome> CancelCoreAsync(Guid tenantId, Guid bookingId, Actor actor, string? reason, bool onlyHeld, CancellationToken ct)
    {
        var now = Now();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var current = await LockBookingAsync(connection, tenantId, bookingId, ct);
        if (current is null)
        {
            return new ChangeOutcome.NotFound();
        }

        if (current.Status is not (BookingStatus.Held or BookingStatus.Confirmed) || (onlyHeld && current.Status != BookingStatus.Held))
        {
            return new ChangeOutcome.WrongState(current.Status);
        }

        if (actor == Actor.Customer && current.Status == BookingStatus.Confirmed)
        {
            var policy = await LoadPolicyAsync(connection, tenantId, ct);
            var deadline = current.StartsAt - Duration.FromHours(policy.CancellationWindowHours);
            if (now > deadline)
            {
                return new ChangeOutcome.WindowClosed(deadline);
            }
        }

        var by = actor.ToString().ToLowerInvariant();
        var updated = await UpdateAsync(
            connection,
            "UPDATE bookings SET status = 'cancelled', expires_at = NULL, cancelled_at = $3, updated_at = $3, cancelled_by = $4, cancel_reason = $5 WHERE tenant_id = $1 AND id = $2",
            ct,
            tenantId,
            bookingId,
            now,
            by,
            (object?)reason ?? DBNull.Value);
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(Command("DELETE FROM booking_allocations WHERE booking_id = $1", bookingId));
        batch.BatchCommands.Add(Outbox.Insert(new BookingCancelled(Snapshot(updated), now.ToDateTimeOffset(), by, reason), now));
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return new ChangeOutcome.Done(updated);
    }

    /// <summary>
    /// Moves a confirmed booking to another offered slot in one transaction: the new window's capacity is
    /// checked and taken under the same locks as a hold before the old window is let go, so a failure
    /// leaves the booking exactly as it was.
    /// </summary>
    public async Task<ChangeOutcome> RescheduleAsync(Guid tenantId, Guid bookingId, Instant newStart, Actor actor, CancellationToken ct)
    {
        var now = Now();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var current = await LockBookingAsync(connection, tenantId, bookingId, ct);
        if (current is null)
        {
            return new ChangeOutcome.NotFound();
        }

        if (current.Status != BookingStatus.Confirmed)
        {
            return new ChangeOutcome.WrongState(current.Status);
        }

        var tenant = await LoadTenantAsync(connection, tenantId, ct);
        if (actor == Actor.Customer)
        {
            var deadline = current.StartsAt - Duration.FromHours(tenant.Policy.RescheduleWindowHours);
            if (now > deadline)
            {
                return new ChangeOutcome.WindowClosed(deadline);
            }
        }

        var context = await LoadPackageContextAsync(connection, tenantId, current.PackageId, newStart, tenant, ct);
        var zone = DateTimeZoneProviders.Tzdb[tenant.TimeZone];
        var date = newStart.InZone(zone).Date;
        var slot = SlotCalculator
            .Slots(zone, tenant.Policy, Duration.FromMinutes(context.Package!.DurationMinutes), context.Hours, context.Closures, date, date, now)
            .FirstOrDefault(s => s.Start == newStart);
        if (slot is null)
        {
            return new ChangeOutcome.SlotNotOffered();
        }

        var (from, to) = slot.Occupied(tenant.Policy);
        var uses = await LockAndReadUsesAsync(connection, tenantId, context.Items, from, to, bookingId, now, ct);
        if (!Capacity.Fits(uses.Uses, uses.Allocations, from, to, current.Seats))
        {
            return new ChangeOutcome.NoCapacity();
        }

        var updated = await UpdateAsync(
            connection,
            "UPDATE bookings SET starts_at = $3, ends_at = $4, updated_at = $5 WHERE tenant_id = $1 AND id = $2",
            ct,
            tenantId,
            bookingId,
            slot.Start,
            slot.End,
            now);
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(Command("DELETE FROM booking_allocations WHERE booking_id = $1", bookingId));
        batch.BatchCommands.Add(InsertAllocations(updated, uses.Uses, from, to, null));
        batch.BatchCommands.Add(Outbox.Insert(
            new BookingRescheduled(Snapshot(updated), current.StartsAt.ToDateTimeOffset(), current.EndsAt.ToDateTimeOffset()), now));
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return new ChangeOutcome.Done(updated);
    }

    /// <summary>
    /// Expires holds whose time ran out and frees their inventory; safe to run on several instances at
    /// once (SKIP LOCKED) and to repeat. Returns how many it expired.
    /// </summary>
    public Task<int> ExpireDueHoldsAsync(int batchSize, CancellationToken ct) =>
        SweepAsync(
            "status = 'held' AND expires_at <= $1",
            "status = 'expired', expires_at = NULL, updated_at = $1",
            (b, now) => Outbox.Insert(new BookingExpired(Snapshot(b), now.ToDateTimeOffset()), now),
            "DELETE FROM booking_allocations WHERE booking_id = ANY($1)",
            batchSize,
            ct);

    /// <summary>
    /// Marks confirmed bookings whose end has passed as completed. Their allocations stay until the
    /// buffer after them has passed too (cleaning up still occupies the item), then go.
    /// </summary>
    public Task<int> CompleteEndedAsync(int batchSize, CancellationToken ct) =>
        SweepAsync(
            "status = 'confirmed' AND ends_at <= $1",
            "status = 'completed', updated_at = $1",
            (b, now) => Outbox.Insert(new BookingCompleted(Snapshot(b)), now),
            """
            DELETE FROM booking_allocations a USING bookings b
            WHERE b.id = a.booking_id AND b.status = 'completed' AND a.occupied_to <= $2
            """,
            batchSize,
            ct);

    private async Task<int> SweepAsync(
        string where, string set, Func<Booking, Instant, NpgsqlBatchCommand> evt, string releaseSql, int batchSize, CancellationToken ct)
    {
        var now = Now();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"""
            WITH due AS (
                SELECT id FROM bookings WHERE {where} ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
            UPDATE bookings b SET {set} FROM due WHERE b.id = due.id
            RETURNING {string.Join(", ", BookingColumns.Split(", ").Select(c => "b." + c))}
            """,
            connection,
            tx);
        cmd.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = now });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batchSize });
        var done = new List<Booking>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                done.Add(ReadBooking(reader));
            }
        }

        if (done.Count == 0)
        {
            return 0;
        }

        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(Command(releaseSql, done.Select(b => b.Id).ToArray(), now));
        foreach (var booking in done)
        {
            batch.BatchCommands.Add(evt(booking, now));
        }

        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return done.Count;
    }

    public void Dispose() => catalog.Dispose();

    // PostgreSQL keeps microseconds; truncating here makes stored responses and later reads agree.
    private Instant Now()
    {
        var ticks = clock.GetCurrentInstant().ToUnixTimeTicks();
        return Instant.FromUnixTimeTicks(ticks - (ticks % 10));
    }

    public static BookingSnapshot Snapshot(Booking b) => new(
        b.Id, b.TenantId, b.PackageId, b.CustomerId, b.Status, b.Seats, b.StartsAt.ToDateTimeOffset(), b.EndsAt.ToDateTimeOffset(), b.AmountMinor, b.Currency);

    private sealed record PackageRow(Guid Id, int DurationMinutes, long PriceMinor, string Currency, int MaxSeats);

    private sealed class HoldContext
    {
        public Tenant? Tenant { get; set; }
        public PackageRow? Package { get; set; }
        public List<(Guid Item, int Units, bool PerSeat)> Items { get; } = [];
        public List<OpeningInterval> Hours { get; } = [];
        public List<ClosedRange> Closures { get; } = [];
    }

    /// <summary>
    /// What a hold needs to know about the business and package before taking locks. It changes rarely, so
    /// it is kept for <see cref="CatalogCacheFor"/>: a new opening-hours rule, closure or price reaches
    /// holds within that time. Capacity is never cached; quantities and allocations are read under lock.
    /// </summary>
    private async Task<HoldContext?> HoldContextAsync(NpgsqlConnection connection, HoldCommand command, CancellationToken ct)
    {
        var key = (command.TenantSlug, command.PackageId);
        if (catalog.TryGetValue(key, out HoldContext? cached))
        {
            return cached;
        }

        var loaded = await LoadHoldContextAsync(connection, command, ct);
        if (loaded.Tenant is not null && loaded.Package is not null)
        {
            catalog.Set(key, loaded, CatalogCacheFor);
        }

        return loaded;
    }

    /// <summary>One round trip for everything a hold needs before it takes locks.</summary>
    private static async Task<HoldContext> LoadHoldContextAsync(NpgsqlConnection connection, HoldCommand command, CancellationToken ct)
    {
        const string TenantBySlug = "(SELECT id FROM tenants WHERE slug = $1)";
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command($"SELECT {TenantColumns} FROM tenants WHERE slug = $1", command.TenantSlug));
        batch.BatchCommands.Add(Command(
            $"SELECT id, duration_minutes, price_minor, currency, max_seats FROM packages WHERE id = $2 AND tenant_id = {TenantBySlug} AND NOT archived",
            command.TenantSlug,
            command.PackageId));
        batch.BatchCommands.Add(Command("SELECT inventory_item_id, units, per_seat FROM package_inventory WHERE package_id = $1", command.PackageId));
        batch.BatchCommands.Add(Command($"SELECT day, opens, closes FROM opening_hours WHERE tenant_id = {TenantBySlug}", command.TenantSlug));
        batch.BatchCommands.Add(Command(
            $"SELECT start_date, end_date FROM closures WHERE tenant_id = {TenantBySlug} AND end_date >= current_date - 2",
            command.TenantSlug));

        var context = new HoldContext();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (await reader.ReadAsync(ct))
        {
            context.Tenant = ReadTenant(reader);
        }

        await reader.NextResultAsync(ct);
        await ReadPackageAndCalendarAsync(reader, context, ct);
        return context;
    }

    private static async Task<HoldContext> LoadPackageContextAsync(
        NpgsqlConnection connection, Guid tenantId, Guid packageId, Instant around, Tenant tenant, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command("SELECT id, duration_minutes, price_minor, currency, max_seats FROM packages WHERE id = $1 AND tenant_id = $2", packageId, tenantId));
        batch.BatchCommands.Add(Command("SELECT inventory_item_id, units, per_seat FROM package_inventory WHERE package_id = $1", packageId));
        batch.BatchCommands.Add(Command("SELECT day, opens, closes FROM opening_hours WHERE tenant_id = $1", tenantId));
        batch.BatchCommands.Add(Command(
            "SELECT start_date, end_date FROM closures WHERE tenant_id = $1 AND start_date <= $2::timestamptz::date + 2 AND end_date >= $2::timestamptz::date - 2",
            tenantId,
            around));
        var context = new HoldContext { Tenant = tenant };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await ReadPackageAndCalendarAsync(reader, context, ct);
        return context;
    }

    /// <summary>Reads, in order, the package row, its inventory use, the opening hours and the closures.</summary>
    private static async Task ReadPackageAndCalendarAsync(NpgsqlDataReader reader, HoldContext context, CancellationToken ct)
    {
        if (await reader.ReadAsync(ct))
        {
            context.Package = new PackageRow(reader.GetGuid(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt32(4));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            context.Items.Add((reader.GetGuid(0), reader.GetInt32(1), reader.GetBoolean(2)));
        }

        await ReadCalendarAsync(reader, context, ct);
    }

    private static async Task ReadCalendarAsync(NpgsqlDataReader reader, HoldContext context, CancellationToken ct)
    {
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            context.Hours.Add(new OpeningInterval((IsoDayOfWeek)reader.GetInt32(0), reader.GetFieldValue<LocalTime>(1), reader.GetFieldValue<LocalTime>(2)));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            context.Closures.Add(new ClosedRange(reader.GetFieldValue<LocalDate>(0), reader.GetFieldValue<LocalDate>(1)));
        }
    }

    /// <summary>
    /// Locks the items (in id order) and reads the allocations that overlap the window. Expired holds
    /// not yet swept no longer count. <paramref name="excluding"/> leaves out a booking's own rows when
    /// it is being moved.
    /// </summary>
    private static async Task<(List<ItemUse> Uses, List<Allocation> Allocations, object[]?[] Leading)> LockAndReadUsesAsync(
        NpgsqlConnection connection,
        Guid tenantId,
        List<(Guid Item, int Units, bool PerSeat)> items,
        Instant from,
        Instant to,
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

        foreach (var command in leading)
        {
            batch.BatchCommands.Add(command);
        }

        batch.BatchCommands.Add(Command("SELECT id, quantity FROM inventory_items WHERE id = ANY($1) AND tenant_id = $2 ORDER BY id FOR UPDATE", ids, tenantId));
        batch.BatchCommands.Add(Command(
            """
            SELECT inventory_item_id, units, occupied_from, occupied_to FROM booking_allocations
            WHERE inventory_item_id = ANY($1) AND occupied_from < $3 AND occupied_to > $2
              AND (held_until IS NULL OR held_until > $4) AND booking_id IS DISTINCT FROM $5::uuid
            """,
            ids,
            from,
            to,
            now,
            (object?)excluding ?? DBNull.Value));

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

    /// <summary>One row: the customer's id (or null) and any earlier answer stored under the key (or nulls).</summary>
    private static NpgsqlBatchCommand KeyAndCustomer(Guid tenantId, HoldCommand command)
    {
        const string Key = "FROM (VALUES (1)) AS one (x) LEFT JOIN idempotency_keys k ON k.tenant_id = $1 AND k.key = $2";
        return command.Customer.CustomerId is { } id
            ? Command($"SELECT (SELECT id FROM customers WHERE id = $3 AND tenant_id = $1), k.status_code, k.response_body, k.request_hash {Key}", tenantId, command.IdempotencyKey, id)
            : Command($"SELECT (SELECT id FROM customers WHERE tenant_id = $1 AND email = $3), k.status_code, k.response_body, k.request_hash {Key}", tenantId, command.IdempotencyKey, Email(command.Customer));
    }

    /// <summary>
    /// The hold's rows in one statement (fewer statements is most of what the database spends on a hold):
    /// the booking, its allocations, the outbox event and the idempotency record. Foreign keys are checked
    /// at the end of the statement, when the booking row exists.
    /// </summary>
    private static NpgsqlBatchCommand InsertHold<TEvent>(
        Booking b, List<ItemUse> uses, Instant from, Instant to, TEvent evt, HoldCommand command, string body)
        where TEvent : IBookingEvent
    {
        var insert = Command(
            $"""
            WITH booking AS (
              INSERT INTO bookings (id, tenant_id, package_id, customer_id, status, seats, starts_at, ends_at, expires_at, amount_minor, currency, created_at, updated_at, confirmed_at)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::timestamptz, $10, $11, $12, $12, $13::timestamptz)),
            allocations AS (
              INSERT INTO booking_allocations (booking_id, inventory_item_id, tenant_id, units, occupied_from, occupied_to, held_until)
              SELECT $1, item, $2, units, $14, $15, $9::timestamptz FROM unnest($16::uuid[], $17::int[]) AS u (item, units)),
            outbox AS (
              INSERT INTO outbox_messages ({Outbox.Columns}) VALUES ({Outbox.ValuesSql(21)}))
            INSERT INTO idempotency_keys (tenant_id, key, request_hash, status_code, response_body, created_at) VALUES ($2, $18, $19, 201, $20, $12)
            """,
            b.Id,
            b.TenantId,
            b.PackageId,
            b.CustomerId,
            b.Status,
            b.Seats,
            b.StartsAt,
            b.EndsAt,
            (object?)b.ExpiresAt ?? DBNull.Value,
            b.AmountMinor,
            b.Currency,
            b.CreatedAt,
            (object?)b.ConfirmedAt ?? DBNull.Value,
            from,
            to,
            uses.Select(u => u.InventoryItemId).ToArray(),
            uses.Select(u => u.UnitsFor(b.Seats)).ToArray(),
            command.IdempotencyKey,
            command.RequestHash,
            body);
        Outbox.AddParameters(insert.Parameters, evt, b.CreatedAt);
        return insert;
    }

    private static string Email(BookingCustomer customer) => customer.Email!.Trim().ToLowerInvariant();

    // DO UPDATE rather than DO NOTHING + SELECT: under READ COMMITTED a SELECT in the same statement cannot
    // see a row a concurrent transaction just inserted, while DO UPDATE always returns the row. Only
    // first-time guests get here; returning ones were found without a write.
    private const string UpsertGuestSql =
        """
        INSERT INTO customers (id, tenant_id, email, name, created_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (tenant_id, email) DO UPDATE SET email = EXCLUDED.email
        RETURNING id
        """;

    private static async Task RollbackAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
        await rollback.ExecuteNonQueryAsync(ct);
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

    private static async Task<Booking?> LockBookingAsync(NpgsqlConnection connection, Guid tenantId, Guid bookingId, CancellationToken ct)
    {
        await using var cmd = Command(connection, $"SELECT {BookingColumns} FROM bookings WHERE tenant_id = $1 AND id = $2 FOR UPDATE", tenantId, bookingId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadBooking(reader) : null;
    }

    private static async Task<Booking> UpdateAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = Command(connection, sql + $" RETURNING {BookingColumns}", args);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return ReadBooking(reader);
    }

    /// <summary>Receipt numbers run per business without gaps in normal operation: the tenant row is locked
    /// first, and the maximum is read by a later statement, whose snapshot sees every number committed
    /// before the lock was granted.</summary>
    private static async Task<int> NextReceiptNumberAsync(NpgsqlConnection connection, Guid tenantId, CancellationToken ct)
    {
        await using (var lockTenant = Command(connection, "SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE", tenantId))
        {
            await lockTenant.ExecuteNonQueryAsync(ct);
        }

        await using var cmd = Command(connection, "SELECT coalesce(max(receipt_number), 0) + 1 FROM bookings WHERE tenant_id = $1", tenantId);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private const string TenantColumns =
        "id, slug, name, time_zone, currency, created_at, policy_lead_time_minutes, policy_horizon_days, policy_slot_step_minutes, " +
        "policy_buffer_before_minutes, policy_buffer_after_minutes, policy_hold_minutes, policy_reschedule_window_hours, " +
        "policy_cancellation_window_hours, policy_refund_rule, policy_late_refund_percent, stripe_account_id";

    private static async Task<Tenant> LoadTenantAsync(NpgsqlConnection connection, Guid tenantId, CancellationToken ct)
    {
        await using var cmd = Command(connection, $"SELECT {TenantColumns} FROM tenants WHERE id = $1", tenantId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return ReadTenant(reader);
    }

    private static async Task<BookingPolicy> LoadPolicyAsync(NpgsqlConnection connection, Guid tenantId, CancellationToken ct) =>
        (await LoadTenantAsync(connection, tenantId, ct)).Policy;

    private static Tenant ReadTenant(NpgsqlDataReader r) => new()
    {
        Id = r.GetGuid(0),
        Slug = r.GetString(1),
        Name = r.GetString(2),
        TimeZone = r.GetString(3),
        Currency = r.GetString(4),
        CreatedAt = r.GetFieldValue<Instant>(5),
        Policy = new BookingPolicy
        {
            LeadTimeMinutes = r.GetInt32(6),
            HorizonDays = r.GetInt32(7),
            SlotStepMinutes = r.GetInt32(8),
            BufferBeforeMinutes = r.GetInt32(9),
            BufferAfterMinutes = r.GetInt32(10),
            HoldMinutes = r.GetInt32(11),
            RescheduleWindowHours = r.GetInt32(12),
            CancellationWindowHours = r.GetInt32(13),
            RefundRule = Enum.Parse<RefundRule>(r.GetString(14)),
            LateRefundPercent = r.GetInt32(15),
        },
        StripeAccountId = r.IsDBNull(16) ? null : r.GetString(16),
    };

    private static Booking ReadBooking(NpgsqlDataReader r) => new()
    {
        Id = r.GetGuid(0),
        TenantId = r.GetGuid(1),
        PackageId = r.GetGuid(2),
        CustomerId = r.GetGuid(3),
        Status = r.GetString(4),
        Seats = r.GetInt32(5),
        StartsAt = r.GetFieldValue<Instant>(6),
        EndsAt = r.GetFieldValue<Instant>(7),
        ExpiresAt = r.IsDBNull(8) ? null : r.GetFieldValue<Instant>(8),
        AmountMinor = r.GetInt64(9),
        Currency = r.GetString(10),
        CreatedAt = r.GetFieldValue<Instant>(11),
        UpdatedAt = r.GetFieldValue<Instant>(12),
        ConfirmedAt = r.IsDBNull(13) ? null : r.GetFieldValue<Instant>(13),
        CancelledAt = r.IsDBNull(14) ? null : r.GetFieldValue<Instant>(14),
        CancelledBy = r.IsDBNull(15) ? null : r.GetString(15),
        CancelReason = r.IsDBNull(16) ? null : r.GetString(16),
        PaymentIntentId = r.IsDBNull(17) ? null : r.GetString(17),
        ReceiptNumber = r.IsDBNull(18) ? null : r.GetInt32(18),
    };

    private static NpgsqlBatchCommand InsertAllocations(Booking b, List<ItemUse> uses, Instant from, Instant to, Instant? heldUntil) => Command(
        """
        INSERT INTO booking_allocations (booking_id, inventory_item_id, tenant_id, units, occupied_from, occupied_to, held_until)
        SELECT $1, item, $2, units, $3, $4, $5::timestamptz FROM unnest($6::uuid[], $7::int[]) AS u(item, units)
        """,
        b.Id,
        b.TenantId,
        from,
        to,
        (object?)heldUntil ?? DBNull.Value,
        uses.Select(u => u.InventoryItemId).ToArray(),
        uses.Select(u => u.UnitsFor(b.Seats)).ToArray());

    private static NpgsqlBatchCommand Command(string sql, params object[] args)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var arg in args)
        {
            command.Parameters.Add(Parameter(arg));
        }

        return command;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object[] args)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args)
        {
            command.Parameters.Add(Parameter(arg));
        }

        return command;
    }

    // DBNull carries no type; these columns are all timestamptz, text or uuid and PostgreSQL infers it.
    private static NpgsqlParameter Parameter(object arg) => arg is DBNull ? new NpgsqlParameter { Value = DBNull.Value } : new NpgsqlParameter { Value = arg };
}
