using System.Security.Cryptography;
using System.Text;
using BookingAws.Shared.Calendar;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Shared.Data.Bookings;

/// <summary>Bookings as calendar events: each booking's calendar revision and the business's private feed.</summary>
public static class BookingCalendar
{
    /// <summary>Shadow property (column <c>calendar_sequence</c>) raised by the booking writes themselves, see <c>BookingChanges.SaveState</c>.</summary>
    public const string SequenceProperty = "CalendarSequence";

    /// <summary>Shadow property of <see cref="Tenant"/>: SHA-256 of the secret in its feed's address, or null with no feed.</summary>
    public const string FeedTokenHashProperty = "CalendarFeedTokenHash";

    /// <summary>How far back and ahead the feed reaches; a staff calendar needs the weeks around now, not the archive.</summary>
    public static readonly Duration FeedPast = Duration.FromDays(30);

    public const int FeedMaxEvents = 5000;

    public static byte[] HashFeedToken(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>A new feed secret: 256 random bits, URL-safe.</summary>
    public static string NewFeedToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The business whose feed this secret opens, or null.</summary>
    public static Task<Tenant?> FeedTenantAsync(BookingDataContext db, string token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var hash = HashFeedToken(token);
        return db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => EF.Property<byte[]>(t, FeedTokenHashProperty) == hash, ct);
    }

    /// <summary>
    /// The business's live bookings from <see cref="FeedPast"/> ago to its booking horizon, as events for its staff's
    /// calendars (customer and package in the title). Scopes <paramref name="db"/> to that business.
    /// </summary>
    public static async Task<string> FeedAsync(BookingDataContext db, Tenant tenant, Instant now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(tenant);
        db.TenantId = tenant.Id;
        using var scope = DatabaseScope.Tenant(tenant.Id);
        var since = now - FeedPast;
        var until = now + Duration.FromDays(tenant.Policy.HorizonDays + 1);
        var rows = await (
                from b in db.Bookings.AsNoTracking()
                join p in db.Packages on b.PackageId equals p.Id
                join c in db.Customers on b.CustomerId equals c.Id
                where b.TenantId == tenant.Id && b.StartsAt < until && b.EndsAt > since
                      && (b.Status == BookingStatus.Confirmed || b.Status == BookingStatus.Completed)
                orderby b.StartsAt
                select new { b.Id, b.StartsAt, b.EndsAt, b.Seats, Package = p.Name, Customer = c.Name, c.Email, Sequence = EF.Property<int>(b, SequenceProperty) })
            .Take(FeedMaxEvents)
            .ToListAsync(ct);
        var events = rows.ConvertAll(r => new IcsEvent(
            r.Id,
            r.Sequence,
            r.StartsAt,
            r.EndsAt,
            $"{r.Package}: {r.Customer} ({r.Seats} × seat)",
            tenant.Name,
            $"Booking {BookingReference.For(r.Id)}, {r.Email}"));
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(tenant.TimeZone) ?? DateTimeZone.Utc;
        return IcsCalendar.Create(IcsMethod.Publish, zone, new IcsOrganizer(tenant.Name, string.Empty), now, events);
    }
}
