using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Domain.Waitlists;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Api.Features.Waitlists;

/// <summary>Who is waiting, for the business's staff: every entry of the slots in a range of days, with what became of it.</summary>
public static partial class WaitlistEndpoints
{
    /// <summary>Without <c>to</c>, the list covers this many days from <c>from</c> (today by default).</summary>
    public const int DefaultDays = 14;

    public const int MaxRangeDays = 62;

    /// <summary>A waiting list is short by nature; a range this full is cut, its latest slots last.</summary>
    public const int MaxEntries = 1000;

    public static async Task<Ok<List<BusinessWaitlistEntryDto>>> ListForBusiness(
        TenantContext scope, ReadSession reads, IClock clock, DateOnly? from = null, DateOnly? to = null, CancellationToken ct = default)
    {
        var tenant = scope.Tenant;
        var zone = DateTimeZoneProviders.Tzdb[tenant.TimeZone];
        var first = from ?? clock.GetCurrentInstant().InZone(zone).Date.ToDateOnly();
        DomainException.EnsureSaneDate(first, "from");
        var last = to ?? first.AddDays(DefaultDays - 1);
        DomainException.EnsureSaneDate(last, "to");
        if (last < first)
        {
            throw DomainException.Invalid("to", "'to' must not be before 'from'.");
        }

        if (last.DayNumber - first.DayNumber + 1 > MaxRangeDays)
        {
            throw DomainException.Invalid("to", $"Ask for at most {MaxRangeDays} days at a time.");
        }

        var start = LocalDate.FromDateOnly(first).AtStartOfDayInZone(zone).ToInstant();
        var end = LocalDate.FromDateOnly(last).PlusDays(1).AtStartOfDayInZone(zone).ToInstant();
        var db = await reads.ReaderAsync(ct);
        var rows = await (
                from w in db.WaitlistEntries
                where w.StartsAt >= start && w.StartsAt < end
                join c in db.Customers on w.CustomerId equals c.Id
                join p in db.Packages on w.PackageId equals p.Id
                join b in db.Bookings on w.BookingId equals (Guid?)b.Id into offers
                from b in offers.DefaultIfEmpty()
                orderby w.StartsAt, w.PackageId, w.CreatedAt, w.Id
                select new
                {
                    Entry = w,
                    CustomerName = c.Name,
                    CustomerEmail = c.Email,
                    PackageName = p.Name,
                    OfferStatus = b == null ? null : b.Status,
                    OfferExpiresAt = b == null ? null : b.ExpiresAt,
                })
            .Take(MaxEntries)
            .ToListAsync(ct);

        // Places in line as offers are made: per slot and package, among those still waiting, in join order.
        var positions = rows.Where(r => r.Entry.Status == WaitlistStatus.Waiting)
            .GroupBy(r => (r.Entry.PackageId, r.Entry.StartsAt))
            .SelectMany(g => g.Select((r, i) => (r.Entry.Id, Position: i + 1)))
            .ToDictionary(x => x.Id, x => x.Position);
        return TypedResults.Ok(rows.ConvertAll(r =>
        {
            var status = WaitlistProgress.Of(r.Entry.Status, r.OfferStatus);
            return new BusinessWaitlistEntryDto(
                r.Entry.Id,
                r.Entry.PackageId,
                r.PackageName,
                r.Entry.StartsAt.ToDateTimeOffset(),
                r.Entry.StartsAt.InZone(zone).ToDateTimeOffset(),
                r.Entry.CustomerId,
                r.CustomerName,
                r.CustomerEmail,
                r.Entry.Seats,
                status,
                positions.GetValueOrDefault(r.Entry.Id),
                r.Entry.CreatedAt.ToDateTimeOffset(),
                r.Entry.BookingId,
                status == WaitlistStatus.Offered ? r.OfferExpiresAt?.ToDateTimeOffset() : null);
        }));
    }
}
