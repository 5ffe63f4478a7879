using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BookingAws.Shared.Domain.Bookings;

namespace BookingAws.Shared.Domain.Payments;

/// <summary>
/// A short, stable name for the policy snapshot a refund was decided under: the first 12 hex digits of
/// SHA-256 over the snapshot's terms in a fixed order. Two bookings under the same terms share it; any
/// change of terms gives another. Stored with the refund, so no history of tenant policies is needed.
/// </summary>
public static class RefundPolicyVersion
{
    /// <summary>For a booking written before snapshots existed (judged under the policy current then).</summary>
    public const string Unversioned = "unversioned";

    public static string Of(PolicySnapshot? policy)
    {
        if (policy is null)
        {
            return Unversioned;
        }

        var terms = string.Create(
            CultureInfo.InvariantCulture,
            $"v1|before={policy.BufferBeforeMinutes}|after={policy.BufferAfterMinutes}|reschedule={policy.RescheduleWindowHours}|cancel={policy.CancellationWindowHours}|rule={policy.RefundRule}|late={policy.LateRefundPercent}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(terms)))[..12];
    }
}
