using BookingAws.Shared.Domain.Payments;
using BookingAws.Shared.Messaging;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace BookingAws.Shared.Data.Payments;

/// <summary>A booking that reconciliation claimed for one round.</summary>
public sealed record DueBooking(Guid TenantId, Guid BookingId);

/// <summary>
/// Writes to the payment tables, in raw Npgsql like the booking writes in <c>Data/Bookings</c>. No method holds a lock across a
/// call to Stripe: callers read, call Stripe, then write the outcome with conditions that make a
/// repeated or concurrent write a no-op.
/// </summary>
public sealed class PaymentStore([FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db, IClock clock)
{
    /// <summary>The booking as payment code needs it, with its tenant's connected account.</summary>
    public async Task<PayableBooking?> FindPayableAsync(Guid bookingId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(
            connection,
            """
            SELECT b.id, b.tenant_id, b.status, b.amount_minor, b.currency, b.payment_intent_id, t.stripe_account_id, b.expires_at,
              b.email_proof IS NOT DISTINCT FROM 'pending'
            FROM bookings b JOIN tenants t ON t.id = b.tenant_id WHERE b.id = $1
            """,
            bookingId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new PayableBooking(
            reader.GetGuid(0),
            reader.GetGuid(1),
            reader.GetString(2),
            reader.GetInt64(3),
            reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetString(6),
            reader.IsDBNull(7) ? null : reader.GetFieldValue<Instant>(7),
            reader.GetBoolean(8));
    }

    /// <summary>Remembers the PaymentIntent (and its charge once paid) for the booking.</summary>
    public async Task RecordIntentAsync(Guid tenantId, Guid bookingId, string paymentIntentId, string status, string? chargeId, CancellationToken ct)
    {
        var now = Now();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var batch = RowScope.Batch(connection);
        batch.BatchCommands.Add(Command(
            """
            INSERT INTO booking_payments (booking_id, tenant_id, payment_intent_id, status, charge_id, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $6)
            ON CONFLICT (booking_id) DO UPDATE SET payment_intent_id = EXCLUDED.payment_intent_id, status = EXCLUDED.status,
                charge_id = coalesce(EXCLUDED.charge_id, booking_payments.charge_id), updated_at = EXCLUDED.updated_at
            """,
            bookingId,
            tenantId,
            paymentIntentId,
            status,
            (object?)chargeId ?? DBNull.Value,
            now));
        // Only a hold takes its PaymentIntent: a booking settled otherwise (in person) must not look paid online.
        batch.BatchCommands.Add(Command(
            "UPDATE bookings SET payment_intent_id = $3 WHERE tenant_id = $1 AND id = $2 AND payment_intent_id IS NULL AND status = 'held'",
            tenantId,
            bookingId,
            paymentIntentId));
        await batch.ExecuteNonQueryAsync(ct);
    }

    public async Task<BookingPayment?> FindPaymentAsync(Guid bookingId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(
            connection, "SELECT tenant_id, payment_intent_id, status, charge_id, settled_at FROM booking_payments WHERE booking_id = $1", bookingId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new BookingPayment
        {
            BookingId = bookingId,
            TenantId = reader.GetGuid(0),
            PaymentIntentId = reader.IsDBNull(1) ? null : reader.GetString(1),
            Status = reader.IsDBNull(2) ? null : reader.GetString(2),
            ChargeId = reader.IsDBNull(3) ? null : reader.GetString(3),
            SettledAt = reader.IsDBNull(4) ? null : reader.GetFieldValue<Instant>(4),
        };
    }

    /// <summary>Booking and payment agree for good: reconciliation stops looking at it.</summary>
    public async Task MarkSettledAsync(Guid tenantId, Guid bookingId, CancellationToken ct)
    {
        var now = Now();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(
            connection,
            """
            INSERT INTO booking_payments (booking_id, tenant_id, settled_at, created_at, updated_at) VALUES ($1, $2, $3, $3, $3)
            ON CONFLICT (booking_id) DO UPDATE SET settled_at = EXCLUDED.settled_at, lease_until = NULL, updated_at = EXCLUDED.updated_at
            """,
            bookingId,
            tenantId,
            now);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Claims up to <paramref name="batchSize"/> bookings whose payment is unsettled: holds past their
    /// expiry, lapsed or cancelled paid bookings not yet checked (or with a refund outstanding), and
    /// confirmed bookings with a PaymentIntent but no recorded charge. Rows are picked with SKIP LOCKED and
    /// leased, and the lease is committed before any call to Stripe, so concurrent instances take
    /// disjoint sets and no lock outlives this statement.
    /// </summary>
    public async Task<List<DueBooking>> ClaimDueAsync(int batchSize, Duration lease, Duration lookback, Guid? tenantId, CancellationToken ct)
    {
        var now = Now();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var cmd = Command(
            connection,
            """
            WITH due AS (
                SELECT b.id, b.tenant_id, p.settled_at FROM bookings b
                LEFT JOIN booking_payments p ON p.booking_id = b.id
                WHERE b.amount_minor > 0 AND b.updated_at > $2
                  AND ($4::uuid IS NULL OR b.tenant_id = $4)
                  AND (p.lease_until IS NULL OR p.lease_until < $1)
                  AND ((p.settled_at IS NULL
                        AND ((b.status = 'held' AND b.expires_at < $1)
                          OR b.status IN ('expired', 'cancelled')
                          -- Confirmed with an open PaymentIntent (online, or in person while Stripe was down): close it.
                          OR (b.status IN ('confirmed', 'completed') AND coalesce(b.payment_intent_id, p.payment_intent_id) IS NOT NULL AND p.charge_id IS NULL)))
                    -- Cancelled after its payment was settled: the cancellation refund may still be owed.
                    OR (b.status = 'cancelled' AND b.confirmed_at IS NOT NULL AND p.settled_at < b.cancelled_at)
                    OR EXISTS (SELECT 1 FROM payment_refunds r WHERE r.booking_id = b.id AND r.stripe_refund_id IS NULL))
                ORDER BY b.id LIMIT $3
                FOR UPDATE OF b SKIP LOCKED)
            INSERT INTO booking_payments (booking_id, tenant_id, lease_until, settled_at, created_at, updated_at)
            SELECT id, tenant_id, $5, settled_at, $1, $1 FROM due
            ON CONFLICT (booking_id) DO UPDATE SET lease_until = EXCLUDED.lease_until
                -- Checked again on the newest row (EXCLUDED.settled_at is what this statement's snapshot saw): another
                -- instance may have leased or settled the booking and committed after that snapshot, when the booking's
                -- row lock it held is already free; it is then not claimed twice.
                WHERE (booking_payments.lease_until IS NULL OR booking_payments.lease_until < $1)
                  AND booking_payments.settled_at IS NOT DISTINCT FROM EXCLUDED.settled_at
            RETURNING tenant_id, booking_id
            """,
            now,
            now - lookback,
            batchSize,
            (object?)tenantId ?? DBNull.Value,
            now + lease);
        var claimed = new List<DueBooking>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                claimed.Add(new DueBooking(reader.GetGuid(0), reader.GetGuid(1)));
            }
        }

        await tx.CommitAsync(ct);
        return claimed;
    }

    /// <summary>The refund for this booking and reason, created as pending the first time it is asked for.</summary>
    public async Task<PaymentRefund> EnsureRefundAsync(
        Guid tenantId, Guid bookingId, string reason, string paymentIntentId, long amountMinor, string currency, string policyVersion, CancellationToken ct)
    {
        // A concurrent first insert is invisible to this statement's snapshot until it commits: ask again.
        for (var attempt = 0; ; attempt++)
        {
            if (await TryEnsureRefundAsync(tenantId, bookingId, reason, paymentIntentId, amountMinor, currency, policyVersion, ct) is { } refund)
            {
                return refund;
            }

            if (attempt == 3)
            {
                throw new InvalidOperationException($"The refund row for booking {bookingId} ({reason}) could not be read.");
            }
        }
    }

    private async Task<PaymentRefund?> TryEnsureRefundAsync(
        Guid tenantId, Guid bookingId, string reason, string paymentIntentId, long amountMinor, string currency, string policyVersion, CancellationToken ct)
    {
        var now = Now();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(
            connection,
            """
            WITH ins AS (
                INSERT INTO payment_refunds (booking_id, reason, tenant_id, payment_intent_id, amount_minor, currency, status, policy_version, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, 'pending', $8, $7, $7)
                ON CONFLICT (booking_id, reason) DO NOTHING
                RETURNING payment_intent_id, amount_minor, currency, status, stripe_refund_id, policy_version)
            SELECT * FROM ins
            UNION ALL
            SELECT payment_intent_id, amount_minor, currency, status, stripe_refund_id, policy_version FROM payment_refunds WHERE booking_id = $1 AND reason = $2
            LIMIT 1
            """,
            bookingId,
            reason,
            tenantId,
            paymentIntentId,
            amountMinor,
            currency,
            now,
            policyVersion);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new PaymentRefund
        {
            BookingId = bookingId,
            Reason = reason,
            TenantId = tenantId,
            PaymentIntentId = reader.GetString(0),
            AmountMinor = reader.GetInt64(1),
            Currency = reader.GetString(2),
            Status = reader.GetString(3),
            StripeRefundId = reader.IsDBNull(4) ? null : reader.GetString(4),
            PolicyVersion = reader.IsDBNull(5) ? null : reader.GetString(5),
        };
    }

    /// <summary>Stripe refused a refund it was asked for: it gives nothing back, so it no longer counts as refunded.</summary>
    public async Task MarkRefundFailedAsync(Guid bookingId, string reason, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(
            connection, "UPDATE payment_refunds SET status = 'failed', updated_at = $3 WHERE booking_id = $1 AND reason = $2 AND stripe_refund_id IS NULL", bookingId, reason, Now());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A booking's refunds so far: reason, amount and status, oldest first.</summary>
    public async Task<List<(string Reason, long AmountMinor, string Status)>> RefundsAsync(Guid bookingId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(connection, "SELECT reason, amount_minor, status FROM payment_refunds WHERE booking_id = $1 ORDER BY created_at, reason", bookingId);
        var refunds = new List<(string, long, string)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            refunds.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
        }

        return refunds;
    }

    /// <summary>Reasons of the refunds already decided for a booking.</summary>
    public async Task<List<string>> RefundReasonsAsync(Guid bookingId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(connection, "SELECT reason FROM payment_refunds WHERE booking_id = $1", bookingId);
        var reasons = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            reasons.Add(reader.GetString(0));
        }

        return reasons;
    }

    /// <summary>
    /// Stripe accepted the refund: records it and, the first time only, tells the customer through the
    /// outbox in the same transaction.
    /// </summary>
    public async Task CompleteRefundAsync(PaymentRefund refund, string stripeRefundId, string status, CancellationToken ct)
    {
        var now = Now();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var cmd = Command(
            connection,
            """
            UPDATE payment_refunds SET stripe_refund_id = $3, status = $4, updated_at = $5
            WHERE booking_id = $1 AND reason = $2 AND stripe_refund_id IS NULL
            """,
            refund.BookingId,
            refund.Reason,
            stripeRefundId,
            status,
            now);
        if (await cmd.ExecuteNonQueryAsync(ct) == 1)
        {
            await using var batch = new NpgsqlBatch(connection, tx);
            batch.BatchCommands.Add(Outbox.Insert(
                new PaymentRefunded(refund.TenantId, refund.BookingId, refund.PaymentIntentId, refund.AmountMinor, refund.Currency.Trim(), BookingRefundReasons.Describe(refund.Reason)), now));
            await batch.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>A refund event from Stripe: keeps the refund's status current (failed refunds become visible).</summary>
    public async Task<bool> UpdateRefundStatusAsync(string stripeRefundId, string status, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(
            connection, "UPDATE payment_refunds SET status = $2, updated_at = $3 WHERE stripe_refund_id = $1 AND status <> $2", stripeRefundId, status, Now());
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// Notes a webhook event. Returns false when the same event was already processed (a redelivery);
    /// an event seen but not finished is processed again, which the state-based handlers allow.
    /// </summary>
    public async Task<bool> BeginEventAsync(string eventId, string type, string? paymentIntentId, Instant created, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(
            connection,
            """
            WITH ins AS (
                INSERT INTO stripe_events (id, type, payment_intent_id, event_created_at, received_at) VALUES ($1, $2, $3, $5, $4)
                ON CONFLICT (id) DO NOTHING RETURNING processed_at)
            SELECT processed_at FROM ins
            UNION ALL
            SELECT processed_at FROM stripe_events WHERE id = $1
            LIMIT 1
            """,
            eventId,
            type,
            (object?)paymentIntentId ?? DBNull.Value,
            Now(),
            created);
        return await cmd.ExecuteScalarAsync(ct) is not Instant;
    }

    /// <summary>
    /// Whether an event created later than this one was already received for the same PaymentIntent
    /// (Stripe's <c>created</c> has whole seconds, so events of the same second are never out of order).
    /// </summary>
    public async Task<bool> NewerEventSeenAsync(string eventId, string paymentIntentId, Instant created, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(
            connection,
            "SELECT EXISTS (SELECT 1 FROM stripe_events WHERE payment_intent_id = $1 AND id <> $2 AND event_created_at > $3)",
            paymentIntentId,
            eventId,
            created);
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    public async Task EndEventAsync(string eventId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = Command(connection, "UPDATE stripe_events SET processed_at = $2 WHERE id = $1 AND processed_at IS NULL", eventId, Now());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private Instant Now()
    {
        var ticks = clock.GetCurrentInstant().ToUnixTimeTicks();
        return Instant.FromUnixTimeTicks(ticks - (ticks % 10));
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] args)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var arg in args)
        {
            command.Parameters.Add(arg is DBNull ? new NpgsqlParameter { Value = DBNull.Value } : new NpgsqlParameter { Value = arg });
        }

        return command;
    }

    /// <summary>One statement, led by the ambient <see cref="DatabaseScope"/> (<see cref="RowScope"/>) so it runs under it.</summary>
    private static NpgsqlBatch Command(NpgsqlConnection connection, string sql, params object[] args)
    {
        var batch = RowScope.Batch(connection);
        batch.BatchCommands.Add(Command(sql, args));
        return batch;
    }
}

/// <summary>A booking as the payment code sees it.</summary>
public sealed record PayableBooking(
    Guid Id, Guid TenantId, string Status, long AmountMinor, string Currency, string? PaymentIntentId, string? StripeAccountId, Instant? ExpiresAt, bool AwaitsEmailProof = false);
