using System.Text.Json;
using System.Text.Json.Serialization;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace BookingAws.Shared.Data.Bookings;

/// <summary>SQL and row mapping shared by the booking persistence classes (raw Npgsql: the hot paths).</summary>
internal static class BookingSql
{
    public const string BookingColumns =
        "id, tenant_id, package_id, customer_id, status, seats, starts_at, ends_at, expires_at, amount_minor, currency, " +
        "created_at, updated_at, confirmed_at, cancelled_at, cancelled_by, cancel_reason, payment_intent_id, receipt_number, policy_snapshot, email_proof, " +
        "attendance, attendance_marked_at, attendance_marked_by";

    public const string TenantColumns =
        "id, slug, name, time_zone, currency, created_at, policy_lead_time_minutes, policy_horizon_days, policy_slot_step_minutes, " +
        "policy_buffer_before_minutes, policy_buffer_after_minutes, policy_hold_minutes, policy_reschedule_window_hours, " +
        "policy_cancellation_window_hours, policy_refund_rule, policy_late_refund_percent, stripe_account_id, policy_waitlist_offer_minutes";

    /// <summary>
    /// A booking's policy snapshot, or for a row the previous release wrote without one, its tenant's
    /// current policy in the same JSON shape (<paramref name="tenant"/> is the tenants row's alias).
    /// </summary>
    public static string PolicyOrTenant(string booking, string tenant) =>
        $"""
        coalesce({booking}.policy_snapshot, jsonb_build_object(
          'bufferBeforeMinutes', {tenant}.policy_buffer_before_minutes, 'bufferAfterMinutes', {tenant}.policy_buffer_after_minutes,
          'rescheduleWindowHours', {tenant}.policy_reschedule_window_hours, 'cancellationWindowHours', {tenant}.policy_cancellation_window_hours,
          'refundRule', {tenant}.policy_refund_rule, 'lateRefundPercent', {tenant}.policy_late_refund_percent))
        """;

    /// <summary><see cref="BookingColumns"/> of alias <c>b</c>, the snapshot filled from tenant alias <c>t</c> when missing.</summary>
    public static string BookingColumnsOf(string b, string t) =>
        string.Join(", ", BookingColumns.Split(", ").Select(c => c == "policy_snapshot" ? PolicyOrTenant(b, t) : $"{b}.{c}"));

    public static readonly JsonSerializerOptions PolicyJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static string ToJson(PolicySnapshot policy) => JsonSerializer.Serialize(policy, PolicyJson);

    public static PolicySnapshot? FromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<PolicySnapshot>(json, PolicyJson);

    public static Tenant ReadTenant(NpgsqlDataReader r) => new()
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
            WaitlistOfferMinutes = r.GetInt32(17),
        },
        StripeAccountId = r.IsDBNull(16) ? null : r.GetString(16),
    };

    public static Booking ReadBooking(NpgsqlDataReader r) => new()
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
        Policy = FromJson(r.IsDBNull(19) ? null : r.GetString(19)),
        EmailProof = r.IsDBNull(20) ? null : r.GetString(20),
        Attendance = r.GetString(21),
        AttendanceMarkedAt = r.IsDBNull(22) ? null : r.GetFieldValue<Instant>(22),
        AttendanceMarkedBy = r.IsDBNull(23) ? null : r.GetGuid(23),
    };

    /// <summary>The booking row, locked for the rest of the transaction; its policy filled in if missing.</summary>
    public static async Task<Booking?> LockBookingAsync(NpgsqlConnection connection, Guid tenantId, Guid bookingId, CancellationToken ct)
    {
        await using var cmd = Command(
            connection,
            $"SELECT {BookingColumnsOf("b", "t")} FROM bookings b JOIN tenants t ON t.id = b.tenant_id WHERE b.tenant_id = $1 AND b.id = $2 FOR UPDATE OF b",
            tenantId,
            bookingId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadBooking(reader) : null;
    }

    public static async Task<Tenant> LoadTenantAsync(NpgsqlConnection connection, Guid tenantId, CancellationToken ct)
    {
        await using var cmd = Command(connection, $"SELECT {TenantColumns} FROM tenants WHERE id = $1", tenantId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return ReadTenant(reader);
    }

    /// <summary>The columns a new booking row is inserted with, and their values (<see cref="NewBookingValues"/>, in order).</summary>
    public const string NewBookingColumns =
        "id, tenant_id, package_id, customer_id, status, seats, starts_at, ends_at, expires_at, amount_minor, currency, created_at, updated_at, confirmed_at";

    /// <summary>VALUES for <see cref="NewBookingColumns"/> over parameters $1-$13 (updated_at is created_at).</summary>
    public const string NewBookingValuesSql = "$1, $2, $3, $4, $5, $6, $7, $8, $9::timestamptz, $10, $11, $12, $12, $13::timestamptz";

    /// <summary>Parameters $1-$13 of <see cref="NewBookingValuesSql"/>.</summary>
    public static object[] NewBookingValues(Booking b) =>
    [
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
    ];

    public static NpgsqlBatchCommand InsertAllocations(Booking b, IReadOnlyList<ItemUse> uses, OccupiedWindow window, Instant? heldUntil) => Command(
        """
        INSERT INTO booking_allocations (booking_id, inventory_item_id, tenant_id, units, occupied_from, occupied_to, held_until)
        SELECT $1, item, $2, units, $3, $4, $5::timestamptz FROM unnest($6::uuid[], $7::int[]) AS u(item, units)
        """,
        b.Id,
        b.TenantId,
        window.From,
        window.To,
        (object?)heldUntil ?? DBNull.Value,
        uses.Select(u => u.InventoryItemId).ToArray(),
        uses.Select(u => u.UnitsFor(b.Seats)).ToArray());

    public static NpgsqlBatchCommand Command(string sql, params object[] args)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var arg in args)
        {
            command.Parameters.Add(Parameter(arg));
        }

        return command;
    }

    /// <summary>One statement, led by the ambient <see cref="DatabaseScope"/> (<see cref="RowScope"/>) so it runs under it.</summary>
    public static NpgsqlBatch Command(NpgsqlConnection connection, string sql, params object[] args)
    {
        var batch = RowScope.Batch(connection);
        batch.BatchCommands.Add(Command(sql, args));
        return batch;
    }

    /// <summary>A JSON text parameter sent as jsonb.</summary>
    public static NpgsqlParameter Jsonb(string json) => new NpgsqlParameter<string> { TypedValue = json, NpgsqlDbType = NpgsqlDbType.Jsonb };

    // DBNull carries no type; these columns are all timestamptz, text or uuid and PostgreSQL infers it.
    private static NpgsqlParameter Parameter(object arg) => arg switch
    {
        NpgsqlParameter p => p,
        DBNull => new NpgsqlParameter { Value = DBNull.Value },
        _ => new NpgsqlParameter { Value = arg },
    };

    /// <summary>PostgreSQL keeps microseconds; truncating here makes stored responses and later reads agree.</summary>
    public static Instant Now(IClock clock)
    {
        var ticks = clock.GetCurrentInstant().ToUnixTimeTicks();
        return Instant.FromUnixTimeTicks(ticks - (ticks % 10));
    }

    public static async Task RollbackAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
        await rollback.ExecuteNonQueryAsync(ct);
    }
}
