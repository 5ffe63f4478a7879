namespace BookingAws.Shared.Domain.Payments;

/// <summary>What the owner's refund of a paid booking comes to, or why there is none.</summary>
public abstract record OwnerRefundDecision
{
    private OwnerRefundDecision()
    {
    }

    public sealed record Refund(long AmountMinor) : OwnerRefundDecision;

    /// <summary>Nothing was paid online (free, unpaid, or paid in person): there is no payment to give back.</summary>
    public sealed record NothingPaid : OwnerRefundDecision;

    /// <summary>Everything paid has been refunded already.</summary>
    public sealed record NothingLeft : OwnerRefundDecision;

    /// <summary>More than is left to refund was asked for.</summary>
    public sealed record TooMuch(long RefundableMinor) : OwnerRefundDecision;
}

/// <summary>
/// A refund the owner gives on a paid booking beyond what the booking model owed (goodwill after a late
/// cancellation's partial refund, a complaint): at most what was paid online and is not refunded yet. Pure: the
/// caller passes what was paid and the refunds so far.
/// </summary>
public static class OwnerRefund
{
    /// <summary>The owner's refunds are kept under their own words with this prefix, apart from the platform's reasons.</summary>
    public const string ReasonPrefix = "owner:";

    /// <summary>The refund's reason column holds 64 characters, the prefix included.</summary>
    public const int MaxReasonLength = 50;

    public static string ReasonCode(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return ReasonPrefix + reason.Trim();
    }

    public static bool IsOwners(string reason) => reason.StartsWith(ReasonPrefix, StringComparison.Ordinal);

    /// <summary>Failed and cancelled refunds gave nothing back; pending ones will, so they count.</summary>
    public static bool GivesBack(string status) => status is not ("failed" or "canceled");

    /// <summary>Paid minus what the refunds so far give back; never below zero.</summary>
    public static long Refundable(long paidMinor, IEnumerable<(long AmountMinor, string Status)> refunds) =>
        Math.Max(0, paidMinor - refunds.Where(r => GivesBack(r.Status)).Sum(r => r.AmountMinor));

    /// <param name="paidMinor">What the booking's own payment took; null when it was not paid online.</param>
    /// <param name="requestedMinor">The amount asked for; null for everything left.</param>
    public static OwnerRefundDecision Decide(long? paidMinor, IEnumerable<(long AmountMinor, string Status)> refunds, long? requestedMinor)
    {
        if (paidMinor is not > 0)
        {
            return new OwnerRefundDecision.NothingPaid();
        }

        var left = Refundable(paidMinor.Value, refunds);
        if (left == 0)
        {
            return new OwnerRefundDecision.NothingLeft();
        }

        return requestedMinor > left ? new OwnerRefundDecision.TooMuch(left) : new OwnerRefundDecision.Refund(requestedMinor ?? left);
    }
}
