using BookingAws.Shared.Application.Payments;
using Microsoft.Extensions.Options;

namespace BookingAws.Workers.Jobs;

/// <summary>
/// Runs payment reconciliation on a timer: every hold past its expiry without a final state, every
/// unsettled lapsed or cancelled paid booking and every confirmed booking without a recorded charge is
/// checked against Stripe and settled. Any number of worker instances may run it (claims are leased
/// with SKIP LOCKED); a failing round only delays the next.
/// </summary>
public sealed class PaymentReconciliationJob(
    PaymentReconciler reconciler, IOptions<PaymentReconciliationOptions> options, TimeProvider time, ILogger<PaymentReconciliationJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                await reconciler.RunAsync(tenantId: null, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Payment reconciliation round failed; retrying next round");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
