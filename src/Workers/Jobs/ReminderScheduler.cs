using BookingAws.Shared.Data;
using BookingAws.Shared.Messaging;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;

namespace BookingAws.Workers.Jobs;

/// <summary>
/// For each tenant whose local time at <c>at</c> is past the reminder hour, claims a reminder for every confirmed
/// booking that starts on the tenant's next local day and writes a <see cref="BookingReminderDue"/> outbox row in the
/// same transaction. The claim is a unique row in <c>booking_reminders</c> (booking, local day) inserted with
/// ON CONFLICT DO NOTHING, so a second run (a retry, a second worker, the next hourly tick) claims nothing twice.
/// The day's bounds come from the zone's start of day, so a 23- or 25-hour DST day is covered exactly.
/// </summary>
public sealed class ReminderScheduler(
    [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db,
    IOptions<WorkerOptions> options)
{
    /// <summary>Returns how many reminders this run claimed.</summary>
    public async Task<int> RunAsync(Instant at, Guid? onlyTenant, CancellationToken cancellationToken)
    {
        var tenants = new List<(Guid Id, string Zone)>();
        await using (var cmd = db.CreateCommand("SELECT id, time_zone FROM tenants WHERE $1::uuid IS NULL OR id = $1"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)onlyTenant ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tenants.Add((reader.GetGuid(0), reader.GetString(1)));
            }
        }

        var claimed = 0;
        foreach (var (tenantId, zoneId) in tenants)
        {
            var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId) ?? DateTimeZone.Utc;
            var local = at.InZone(zone);
            if (local.Hour < options.Value.Reminders.LocalHour)
            {
                continue;
            }

            var day = local.Date.PlusDays(1);
            claimed += await ClaimDayAsync(tenantId, day, day.AtStartOfDayInZone(zone).ToInstant(), day.PlusDays(1).AtStartOfDayInZone(zone).ToInstant(), at, cancellationToken);
        }

        return claimed;
    }

    private async Task<int> ClaimDayAsync(Guid tenantId, LocalDate day, Instant from, Instant to, Instant at, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var bookings = new List<Guid>();
        await using (var cmd = new NpgsqlCommand(
                         """
                         INSERT INTO booking_reminders (booking_id, reminder_for, tenant_id, created_at)
                         SELECT id, $2, tenant_id, now() FROM bookings
                         WHERE tenant_id = $1 AND status = 'confirmed' AND starts_at >= $3 AND starts_at < $4
                         ON CONFLICT DO NOTHING
                         RETURNING booking_id
                         """,
                         connection,
                         tx))
        {
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
            cmd.Parameters.Add(new NpgsqlParameter<LocalDate> { TypedValue = day });
            cmd.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = from });
            cmd.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = to });
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                bookings.Add(reader.GetGuid(0));
            }
        }

        if (bookings.Count > 0)
        {
            await using var batch = new NpgsqlBatch(connection, tx);
            var date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            foreach (var booking in bookings)
            {
                batch.BatchCommands.Add(Shared.Messaging.Outbox.Insert(new BookingReminderDue(tenantId, booking, date), at));
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return bookings.Count;
    }
}
