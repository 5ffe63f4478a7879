using BookingAws.Shared.Caching;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;
using BookingAws.Shared.Messaging;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using static BookingAws.Shared.Data.Bookings.BookingSql;

namespace BookingAws.Shared.Data.Bookings;

/// <summary>Opens one transaction around one booking: the row locked, ready for the model's decision.</summary>
public sealed class BookingChanges([FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db, IClock clock, CacheInvalidation? cache = null)
{
    /// <summary>The current instant as stored (microseconds), for the model.</summary>
    public Instant Now() => BookingSql.Now(clock);

    /// <summary>Begins a transaction and locks the booking; null (and nothing open) when there is no such booking.</summary>
    public async Task<BookingChange?> BeginAsync(Guid tenantId, Guid bookingId, CancellationToken ct)
    {
        var connection = await db.OpenConnectionAsync(ct);
        try
        {
            var tx = await connection.BeginTransactionAsync(ct);
            var booking = await LockBookingAsync(connection, tenantId, bookingId, ct);
            if (booking is null)
            {
                await tx.DisposeAsync();
                await connection.DisposeAsync();
                return null;
            }

            return new BookingChange(connection, tx, booking, cache);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

/// <summary>
/// One booking locked in an open transaction. Disposing without <see cref="CommitAsync"/> rolls back, so
/// a refused change leaves the booking exactly as it was. Every write here goes with its outbox event.
/// </summary>
public sealed class BookingChange : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly NpgsqlTransaction tx;
    private readonly NpgsqlBatch pending;
    private readonly CacheInvalidation? cache;

    /// <summary>Windows whose availability this change alters, dropped from the read cache after the commit.</summary>
    private readonly List<(Instant From, Instant To)> changedWindows = [];

    internal BookingChange(NpgsqlConnection connection, NpgsqlTransaction tx, Booking booking, CacheInvalidation? cache)
    {
        this.connection = connection;
        this.tx = tx;
        this.cache = cache;
        Booking = booking;
        pending = new NpgsqlBatch(connection, tx);
    }

    /// <summary>The booking as locked, with its policy snapshot.</summary>
    public Booking Booking { get; }

    /// <summary>Locks the inventory rows this booking holds, in id order, as a hold would.</summary>
    public async Task LockOwnItemsAsync(CancellationToken ct)
    {
        await using var lockItems = Command(
            connection,
            "SELECT id FROM inventory_items WHERE id IN (SELECT inventory_item_id FROM booking_allocations WHERE booking_id = $1) ORDER BY id FOR UPDATE",
            Booking.Id);
        lockItems.Transaction = tx;
        await lockItems.ExecuteNonQueryAsync(ct);
    }

    public Task<Tenant> TenantAsync(CancellationToken ct) => LoadTenantAsync(connection, Booking.TenantId, ct);

    /// <summary>
    /// Whether the booking's seats fit the package's inventory over <paramref name="window"/>, this
    /// booking's own rows aside; the items stay locked until commit. Returns the uses to allocate.
    /// </summary>
    internal async Task<List<ItemUse>?> TakeCapacityAsync(BookingCatalog catalog, OccupiedWindow window, Instant now, CancellationToken ct)
    {
        var uses = await BookingInventory.LockAndReadUsesAsync(connection, Booking.TenantId, catalog.Items, window, Booking.Id, now, ct);
        return Capacity.Fits(uses.Uses, uses.Allocations, window.From, window.To, Booking.Seats) ? uses.Uses : null;
    }

    /// <summary>The package and calendar for checking a slot around <paramref name="around"/>.</summary>
    internal Task<BookingCatalog> CatalogAsync(Tenant tenant, Instant around, CancellationToken ct) =>
        BookingCatalogCache.LoadForChangeAsync(connection, Booking.TenantId, Booking.PackageId, around, tenant, ct);

    /// <summary>Receipt numbers run per business without gaps in normal operation: the tenant row is locked
    /// first, and the maximum is read by a later statement, whose snapshot sees every number committed
    /// before the lock was granted.</summary>
    public async Task<int> NextReceiptNumberAsync(CancellationToken ct)
    {
        await using (var lockTenant = Command(connection, "SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE", Booking.TenantId))
        {
            await lockTenant.ExecuteNonQueryAsync(ct);
        }

        await using var cmd = Command(connection, "SELECT coalesce(max(receipt_number), 0) + 1 FROM bookings WHERE tenant_id = $1", Booking.TenantId);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Writes the booking's new state (every field a transition may change) and queues its event.</summary>
    public void Save<TEvent>(BookingDecision<TEvent>.Accepted decision, Instant now)
        where TEvent : IBookingEvent
    {
        SaveState(decision.Booking);
        pending.BatchCommands.Add(Outbox.Insert(decision.Event, now));
    }

    /// <summary>Queues an event beside the change's own (a payment that confirmed the booking).</summary>
    public void Publish<TEvent>(TEvent evt, Instant now)
        where TEvent : ITenantEvent =>
        pending.BatchCommands.Add(Outbox.Insert(evt, now));

    /// <summary>Writes the booking's new state with no event (a guest proving the address of a paid hold changes nothing anyone listens for).</summary>
    public void SaveState(Booking b) =>
        pending.BatchCommands.Add(Command(
            """
            UPDATE bookings SET status = $3, starts_at = $4, ends_at = $5, expires_at = $6::timestamptz, updated_at = $7, confirmed_at = $8::timestamptz,
              cancelled_at = $9::timestamptz, cancelled_by = $10, cancel_reason = $11, payment_intent_id = $12, receipt_number = $13::int,
              email_proof = $14, attendance = $15, attendance_marked_at = $16::timestamptz, attendance_marked_by = $17::uuid,
              calendar_sequence = calendar_sequence + CASE WHEN starts_at <> $4 OR ends_at <> $5 OR (status <> $3 AND $3 = 'cancelled') THEN 1 ELSE 0 END
            WHERE tenant_id = $1 AND id = $2
            """,
            b.TenantId,
            b.Id,
            b.Status,
            b.StartsAt,
            b.EndsAt,
            (object?)b.ExpiresAt ?? DBNull.Value,
            b.UpdatedAt,
            (object?)b.ConfirmedAt ?? DBNull.Value,
            (object?)b.CancelledAt ?? DBNull.Value,
            (object?)b.CancelledBy ?? DBNull.Value,
            (object?)b.CancelReason ?? DBNull.Value,
            (object?)b.PaymentIntentId ?? DBNull.Value,
            (object?)b.ReceiptNumber ?? DBNull.Value,
            (object?)b.EmailProof ?? DBNull.Value,
            b.Attendance,
            (object?)b.AttendanceMarkedAt ?? DBNull.Value,
            (object?)b.AttendanceMarkedBy ?? DBNull.Value));

    /// <summary>The booking's allocations stop being a hold's: they count until the window ends (again, for a hold
    /// that lapsed unswept, so the cached availability changes too).</summary>
    public void KeepAllocations()
    {
        pending.BatchCommands.Add(Command("UPDATE booking_allocations SET held_until = NULL WHERE booking_id = $1", Booking.Id));
        changedWindows.Add((Booking.Occupied.From, Booking.Occupied.To));
    }

    /// <summary>The booking frees its inventory at once.</summary>
    public void ReleaseAllocations()
    {
        pending.BatchCommands.Add(Command("DELETE FROM booking_allocations WHERE booking_id = $1", Booking.Id));
        changedWindows.Add((Booking.Occupied.From, Booking.Occupied.To));
    }

    /// <summary>The booking's allocations are replaced by <paramref name="uses"/> over <paramref name="window"/>.</summary>
    public void ReplaceAllocations(Booking next, List<ItemUse> uses, OccupiedWindow window)
    {
        ReleaseAllocations();
        pending.BatchCommands.Add(InsertAllocations(next, uses, window, null));
        changedWindows.Add((window.From, window.To));
    }

    /// <summary>
    /// Seats this change freed (<paramref name="freed"/>, the booking's old window) go to the package's waiting list
    /// first, in this transaction and under the hold's inventory locks (<see cref="Waitlists.WaitlistOffers"/>): no
    /// hold can slip in between the seat coming free and the offer. Sends the writes queued so far first.
    /// </summary>
    public async Task OfferFreedSeatsAsync(OccupiedWindow freed, Instant now, CancellationToken ct)
    {
        if (pending.BatchCommands.Count > 0)
        {
            await pending.ExecuteNonQueryAsync(ct);
            pending.BatchCommands.Clear();
        }

        var offered = await Waitlists.WaitlistOffers.OfferFreedAsync(connection, Booking.TenantId, Booking.PackageId, freed, now, ct);
        changedWindows.AddRange(offered.Select(w => (w.From, w.To)));
    }

    /// <summary>Sends the queued writes in one round trip and commits.</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        if (pending.BatchCommands.Count > 0)
        {
            await pending.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        if (cache is not null && changedWindows.Count > 0)
        {
            await cache.BookingsChangedAsync(Booking.TenantId, changedWindows, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await pending.DisposeAsync();
        await tx.DisposeAsync();
        await connection.DisposeAsync();
    }
}
