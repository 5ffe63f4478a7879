using System.ComponentModel.DataAnnotations;
using BookingAws.Shared.Data.Payments;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace BookingAws.Shared.Application.Payments;

/// <summary>What one reconciliation run did, by outcome.</summary>
public sealed record ReconciliationReport(int Claimed, int Confirmed, int Released, int Refunded, int Pending, int Failed);

/// <summary>
/// Asks Stripe about every booking whose payment is not settled (holds past expiry, lapsed or cancelled
/// paid bookings, confirmed bookings with no recorded charge, refunds still pending) and settles each.
/// Several instances may run at once: each claims a disjoint batch under a lease, and every settlement
/// step is idempotent, so even a booking claimed twice (an expired lease) is settled once.
/// </summary>
public sealed class PaymentReconciler(
    PaymentStore payments, PaymentService service, IOptions<PaymentReconciliationOptions> options, ILogger<PaymentReconciler> logger)
{
    /// <summary>Drains every due booking (optionally of one tenant) in batches.</summary>
    public async Task<ReconciliationReport> RunAsync(Guid? tenantId, CancellationToken ct)
    {
        var o = options.Value;
        int claimed = 0, confirmed = 0, released = 0, refunded = 0, pending = 0, failed = 0;
        while (true)
        {
            var batch = await payments.ClaimDueAsync(o.BatchSize, Duration.FromTimeSpan(o.Lease), Duration.FromTimeSpan(o.Lookback), tenantId, ct);
            if (batch.Count == 0)
            {
                break;
            }

            claimed += batch.Count;
            foreach (var due in batch)
            {
                try
                {
                    switch (await service.SettleBookingAsync(due.TenantId, due.BookingId, ct))
                    {
                        case Settlement.Confirmed:
                            confirmed++;
                            break;
                        case Settlement.Released:
                            released++;
                            break;
                        case Settlement.Refunded:
                            refunded++;
                            break;
                        case Settlement.Pending:
                            pending++;
                            break;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // The lease keeps it from being retried in this run; the next run tries again.
                    failed++;
                    logger.LogWarning(e, "Reconciling booking {BookingId} failed; it will be retried", due.BookingId);
                }
            }

            if (batch.Count < o.BatchSize)
            {
                break;
            }
        }

        var report = new ReconciliationReport(claimed, confirmed, released, refunded, pending, failed);
        if (claimed > 0)
        {
            logger.LogInformation(
                "Payment reconciliation: {Claimed} checked, {Confirmed} confirmed, {Released} released, {Refunded} refunded, {Pending} pending, {Failed} failed",
                claimed, confirmed, released, refunded, pending, failed);
        }

        return report;
    }
}

public sealed class PaymentReconciliationOptions
{
    public const string Section = "PaymentReconciliation";

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    [Range(1, 500)]
    public int BatchSize { get; set; } = 20;

    /// <summary>How long a claimed booking is left to one instance before another may try it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Bookings untouched for longer are not looked at again (their fate was settled long ago).</summary>
    public TimeSpan Lookback { get; set; } = TimeSpan.FromDays(14);
}
