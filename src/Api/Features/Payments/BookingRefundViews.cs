using BookingAws.Api.Features.Bookings;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Payments;
using Microsoft.EntityFrameworkCore;

namespace BookingAws.Api.Features.Payments;

/// <summary>The refunds shown with bookings, read in one query for a page of them.</summary>
public static class BookingRefundViews
{
    /// <summary>Refunds by booking, oldest first. The callers have already decided the caller may see these bookings.</summary>
    public static async Task<Dictionary<Guid, IReadOnlyList<RefundDto>>> ForAsync(BookingDataContext db, IReadOnlyCollection<Guid> bookingIds, CancellationToken ct)
    {
        if (bookingIds.Count == 0)
        {
            return [];
        }

        var rows = await db.PaymentRefunds.IgnoreQueryFilters().AsNoTracking()
            .Where(r => bookingIds.Contains(r.BookingId)).OrderBy(r => r.CreatedAt).ThenBy(r => r.Reason).ToListAsync(ct);
        return rows.GroupBy(r => r.BookingId).ToDictionary(g => g.Key, g => (IReadOnlyList<RefundDto>)g.Select(RefundDto.From).ToList());
    }

    /// <summary>The bookings of a page with their refunds filled in.</summary>
    public static async Task<List<BookingDto>> WithRefundsAsync(BookingDataContext db, List<BookingDto> bookings, CancellationToken ct)
    {
        var refunds = await ForAsync(db, bookings.ConvertAll(b => b.Id), ct);
        return bookings.ConvertAll(b =>
        {
            var found = refunds.GetValueOrDefault(b.Id);
            var refundable = PaidOnline(b) ? OwnerRefund.Refundable(b.AmountMinor, (found ?? []).Select(r => (r.AmountMinor, r.Status))) : (long?)null;
            return b with
            {
                Refunds = found ?? b.Refunds,
                RefundableMinor = refundable,

                // Cancelling never gives back more than is left after the refunds made already (the owner's, say).
                RefundIfCancelledMinor = refundable is { } left && b.RefundIfCancelledMinor is { } owed ? Math.Min(owed, left) : b.RefundIfCancelledMinor,
            };
        });
    }

    /// <summary>Paid by its own online payment: confirming in person keeps the PaymentIntent id but earns no receipt number.
    /// A payment confirms a booking only if it took the booking's exact amount, so that is what was paid.</summary>
    private static bool PaidOnline(BookingDto b) => b.PaymentIntentId is not null && b.ReceiptNumber is not null;
}
