using BookingAws.Shared.Caching;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Messaging;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using static BookingAws.Shared.Data.Bookings.BookingSql;

namespace BookingAws.Shared.Data.Bookings;

/// <summary>
/// Claims batches of due bookings for the sweeps: safe on several instances at once (SKIP LOCKED) and to
/// repeat. What happens to each claimed booking is the model's decision (<see cref="Booking.Expire"/>,
/// <see cref="Booking.Complete"/>); this writes it.
/// </summary>
public sealed class BookingSweeps([FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db, IClock clock, CacheInvalidation? cache = null)
{
    /// <summary>Holds whose time ran out: expired, their inventory freed at once. Returns how many.</summary>
    public async Task<int> ExpireDueHoldsAsync(int batchSize, CancellationToken ct) => (await ExpireDueAsync(batchSize, ct)).Count;

    /// <summary>Holds whose time ran out: expired, their inventory freed at once. Returns the expired bookings.</summary>
    public Task<List<Booking>> ExpireDueAsync(int batchSize, CancellationToken ct) =>
        SweepAsync(
            "b.status = 'held' AND b.expires_at <= $1",
            (b, now) => b.Expire(now),
            "DELETE FROM booking_allocations WHERE booking_id = ANY($1)",
            batchSize,
            ct);

    /// <summary>
    /// Confirmed bookings whose end has passed: completed. Their allocations stay until the buffer after
    /// them has passed too (cleaning up still occupies the item), then go.
    /// </summary>
    public async Task<int> CompleteEndedAsync(int batchSize, CancellationToken ct) =>
        (await SweepAsync(
            "b.status = 'confirmed' AND b.ends_at <= $1",
            (b, now) => b.Complete(now),
            """
            DELETE FROM booking_allocations a USING bookings b
            WHERE b.id = a.booking_id AND (b.id = ANY($1) OR b.status = 'completed') AND a.occupied_to <= $2
            """,
            batchSize,
            ct)).Count;

    private async Task<List<Booking>> SweepAsync<TEvent>(
        string due, Func<Booking, Instant, BookingDecision<TEvent>> decide, string releaseSql, int batchSize, CancellationToken ct)
        where TEvent : IBookingEvent
    {
        var now = Now(clock);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var claimed = new List<Booking>();
        await using (var cmd = Command(
            connection,
            $"SELECT {BookingColumnsOf("b", "t")} FROM bookings b JOIN tenants t ON t.id = b.tenant_id WHERE {due} ORDER BY b.id LIMIT $2 FOR UPDATE OF b SKIP LOCKED",
            now,
            batchSize))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                claimed.Add(ReadBooking(reader));
            }
        }

        var done = claimed.Select(b => decide(b, now)).OfType<BookingDecision<TEvent>.Accepted>().ToList();
        if (done.Count == 0)
        {
            return [];
        }

        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(Command(
            "UPDATE bookings SET status = $2, expires_at = NULL, updated_at = $3 WHERE id = ANY($1)",
            done.Select(d => d.Booking.Id).ToArray(),
            done[0].Booking.Status,
            now));
        batch.BatchCommands.Add(Command(releaseSql, done.Select(d => d.Booking.Id).ToArray(), now));
        foreach (var decision in done)
        {
            batch.BatchCommands.Add(Outbox.Insert(decision.Event, now));
        }

        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        if (cache is not null)
        {
            foreach (var tenant in done.GroupBy(d => d.Booking.TenantId))
            {
                await cache.BookingsChangedAsync(tenant.Key, tenant.Select(d => (d.Booking.Occupied.From, d.Booking.Occupied.To)), CancellationToken.None);
            }
        }

        return done.ConvertAll(d => d.Booking);
    }
}
