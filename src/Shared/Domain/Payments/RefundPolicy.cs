using BookingAws.Shared.Domain.Tenants;
using NodaTime;

namespace BookingAws.Shared.Domain.Payments;

/// <summary>How much of a confirmed booking's payment goes back when it is cancelled.</summary>
public static class RefundPolicy
{
    /// <summary>
    /// Full up to and including the moment the cancellation window opens (start − window hours, the same
    /// deadline customers may cancel until); after it, the late percentage or nothing; never anything
    /// under <see cref="RefundRule.None"/>. Depends only on when the booking was cancelled, so
    /// recomputing it later (reconciliation) asks Stripe for the same amount under the same key.
    /// </summary>
    public static long AmountFor(BookingPolicy policy, long paidMinor, Instant startsAt, Instant cancelledAt)
    {
        if (policy.RefundRule == RefundRule.None)
        {
            return 0;
        }

        var deadline = startsAt - Duration.FromHours(policy.CancellationWindowHours);
        if (cancelledAt <= deadline)
        {
            return paidMinor;
        }

        return policy.RefundRule == RefundRule.PartialAfterWindow ? paidMinor * policy.LateRefundPercent / 100 : 0;
    }
}
