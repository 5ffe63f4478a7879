using BookingAws.Shared.Data;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Sqs;
using NodaTime;
using Npgsql;

namespace BookingAws.Workers.Analytics;

/// <summary>What a booking event does to the daily figures.</summary>
public enum BookingAnalyticsChange
{
    /// <summary>Holds, expiries and completions do not move the figures; only the inbox records the message.</summary>
    None,
    Confirmed,
    Cancelled,
    Rescheduled,
}

/// <summary>
/// Writes <c>tenant_daily_stats</c> (per tenant, local day of the booking's start, package) and the per-booking
/// contribution behind it (<c>analytics_bookings</c>). Only the workers write these tables; the API reads them through
/// EF (<c>AnalyticsQueries</c>). The inbox row, the contribution and the counters change in one transaction, so a
/// redelivered message changes nothing; it lives beside <see cref="Inbox"/> because it claims the message in that
/// same transaction. Events of one booking are serialised with a transaction-scoped advisory lock.
/// </summary>
public sealed class BookingAnalyticsProjection([FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db)
{
    public async Task ApplyAsync(Guid messageId, string consumer, BookingAnalyticsChange change, BookingSnapshot booking, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(booking);

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        if (!await Inbox.TryClaimAsync(connection, tx, messageId, consumer, cancellationToken))
        {
            return;
        }

        await ExecAsync(connection, tx, "SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))", cancellationToken, booking.BookingId);
        var zone = await ZoneAsync(connection, tx, booking.TenantId, cancellationToken);
        var current = new Contribution(
            booking.PackageId,
            Instant.FromDateTimeOffset(booking.StartsAt).InZone(zone).Date,
            booking.Seats,
            booking.AmountMinor,
            (long)(booking.EndsAt - booking.StartsAt).TotalMinutes);

        switch (change)
        {
            case BookingAnalyticsChange.Confirmed:
                if (await InsertContributionAsync(connection, tx, booking, current, cancellationToken))
                {
                    await AddAsync(connection, tx, booking.TenantId, current, 1, 0, cancellationToken);
                }

                break;
            case BookingAnalyticsChange.Cancelled:
                var removed = await RemoveContributionAsync(connection, tx, booking.BookingId, cancellationToken);
                if (removed is { Seats: > 0 })
                {
                    await AddAsync(connection, tx, booking.TenantId, removed, -1, 1, cancellationToken);
                }
                else if (removed is null)
                {
                    await AddAsync(connection, tx, booking.TenantId, Tombstone(current), 0, 1, cancellationToken);
                }

                // A zero-seat row marks the booking as cancelled, so a confirmation or reschedule that
                // arrives late (SQS does not keep order) cannot count it again.
                await InsertContributionAsync(connection, tx, booking, Tombstone(current), cancellationToken);
                break;
            case BookingAnalyticsChange.Rescheduled:
                var previous = await RemoveContributionAsync(connection, tx, booking.BookingId, cancellationToken);
                if (previous is { Seats: 0 })
                {
                    await InsertContributionAsync(connection, tx, booking, previous, cancellationToken);
                    break;
                }

                if (previous is not null)
                {
                    await AddAsync(connection, tx, booking.TenantId, previous, -1, 0, cancellationToken);
                }

                await InsertContributionAsync(connection, tx, booking, current, cancellationToken);
                await AddAsync(connection, tx, booking.TenantId, current, 1, 0, cancellationToken);
                break;
            default:
                break;
        }

        await tx.CommitAsync(cancellationToken);
    }

    private static Contribution Tombstone(Contribution c) => c with { Seats = 0, RevenueMinor = 0, BookedMinutes = 0 };

    private static async Task<DateTimeZone> ZoneAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid tenantId, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand("SELECT time_zone FROM tenants WHERE id = $1", connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        var id = await cmd.ExecuteScalarAsync(cancellationToken) as string ?? throw new InvalidOperationException($"Tenant {tenantId} not found.");
        return DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) ?? DateTimeZone.Utc;
    }

    private static async Task<bool> InsertContributionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, BookingSnapshot booking, Contribution c, CancellationToken cancellationToken) =>
        await ExecAsync(
            connection,
            tx,
            """
            INSERT INTO analytics_bookings (booking_id, tenant_id, package_id, date, seats, revenue_minor, booked_minutes)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
            """,
            cancellationToken,
            booking.BookingId,
            booking.TenantId,
            c.PackageId,
            c.Date,
            c.Seats,
            c.RevenueMinor,
            c.BookedMinutes) == 1;

    private static async Task<Contribution?> RemoveContributionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid bookingId, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(
            "DELETE FROM analytics_bookings WHERE booking_id = $1 RETURNING package_id, date, seats, revenue_minor, booked_minutes",
            connection,
            tx);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = bookingId });
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Contribution(reader.GetGuid(0), reader.GetFieldValue<LocalDate>(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4))
            : null;
    }

    private static Task<int> AddAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid tenantId, Contribution c, int sign, int cancellations, CancellationToken cancellationToken) =>
        ExecAsync(
            connection,
            tx,
            """
            INSERT INTO tenant_daily_stats (tenant_id, date, package_id, bookings, seats, revenue_minor, cancellations, booked_minutes)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (tenant_id, date, package_id) DO UPDATE SET
                bookings = tenant_daily_stats.bookings + excluded.bookings,
                seats = tenant_daily_stats.seats + excluded.seats,
                revenue_minor = tenant_daily_stats.revenue_minor + excluded.revenue_minor,
                cancellations = tenant_daily_stats.cancellations + excluded.cancellations,
                booked_minutes = tenant_daily_stats.booked_minutes + excluded.booked_minutes
            """,
            cancellationToken,
            tenantId,
            c.Date,
            c.PackageId,
            sign,
            sign * c.Seats,
            sign * c.RevenueMinor,
            cancellations,
            sign * c.BookedMinutes);

    private static async Task<int> ExecAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken, params object[] values)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record Contribution(Guid PackageId, LocalDate Date, int Seats, long RevenueMinor, long BookedMinutes);
}
