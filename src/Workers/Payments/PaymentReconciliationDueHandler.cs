using BookingAws.Shared.Application.Payments;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Sqs;

namespace BookingAws.Workers.Payments;

/// <summary>
/// The scheduled reconciliation tick that EventBridge Scheduler puts on the payments queue in AWS
/// (<c>{"type":"schedule.payment-reconciliation.v1","at":…}</c>). Needs no inbox: a reconciliation run
/// is idempotent and claims its bookings under leases, so a redelivered tick only finds less to do.
/// </summary>
public sealed class PaymentReconciliationDueHandler(PaymentReconciler reconciler) : IMessageHandler<PaymentReconciliationDue>
{
    public string Name => "payments.reconciliation-due";

    public async Task HandleAsync(PaymentReconciliationDue message, IncomingMessage envelope, CancellationToken cancellationToken) =>
        await reconciler.RunAsync(tenantId: null, cancellationToken);
}
