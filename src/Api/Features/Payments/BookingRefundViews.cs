using BookingAws.Api.Features.Bookings;
using BookingAws.Shared.Data;
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
        return bookings.ConvertAll(b => refunds.TryGetValue(b.Id, out var r) ? b with { Refunds = r } : b);
    }
}
