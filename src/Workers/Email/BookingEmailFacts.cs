using BookingAws.Shared.Data;
using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Catalog;
using BookingAws.Shared.Domain.Customers;
using BookingAws.Shared.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;

namespace BookingAws.Workers.Email;

/// <summary>Everything an email about one booking shows, read from the primary.</summary>
/// <remarks>The primary, not a replica: the event is often handled milliseconds after its transaction committed,
/// and a lagging replica could miss the booking or show its previous state.</remarks>
/// <param name="CalendarSequence">The booking's calendar revision (iCalendar SEQUENCE), read with the booking so the two agree.</param>
public sealed record BookingEmailFacts(Booking Booking, Tenant Tenant, Package Package, Customer Customer, DateTimeZone Zone, string ManageUrl, int CalendarSequence)
{
    private static readonly LocalDateTimePattern When = LocalDateTimePattern.CreateWithInvariantCulture("dddd d MMMM yyyy, HH:mm");
    private static readonly LocalTimePattern Time = LocalTimePattern.CreateWithInvariantCulture("HH:mm");

    public static async Task<BookingEmailFacts?> LoadAsync(BookingDbContext db, BookingLinks links, Guid bookingId, CancellationToken cancellationToken)
    {
        var row = await db.Bookings.IgnoreQueryFilters().AsNoTracking().Where(b => b.Id == bookingId)
            .Select(b => new { Booking = b, Sequence = EF.Property<int>(b, BookingCalendar.SequenceProperty) })
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        var booking = row.Booking;

        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == booking.TenantId, cancellationToken);
        var package = await db.Packages.IgnoreQueryFilters().AsNoTracking().SingleAsync(p => p.Id == booking.PackageId, cancellationToken);
        var customer = await db.Customers.IgnoreQueryFilters().AsNoTracking().SingleAsync(c => c.Id == booking.CustomerId, cancellationToken);
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(tenant.TimeZone) ?? DateTimeZone.Utc;
        return new BookingEmailFacts(booking, tenant, package, customer, zone, links.ManageUrl(tenant.Slug, booking.Id), row.Sequence);
    }

    /// <summary>A time as the tenant's customers read it: local, with the zone's abbreviation (e.g. "BST").</summary>
    public string Local(Instant instant)
    {
        var local = instant.InZone(Zone);
        return $"{When.Format(local.LocalDateTime)} {local.GetZoneInterval().Name}";
    }

    public Dictionary<string, string> Values() => new(StringComparer.Ordinal)
    {
        ["tenantName"] = Tenant.Name,
        ["customerName"] = Customer.Name,
        ["packageName"] = Package.Name,
        ["seats"] = Booking.Seats.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["startsAt"] = Local(Booking.StartsAt),
        ["endsAt"] = Time.Format(Booking.EndsAt.InZone(Zone).TimeOfDay),
        ["amount"] = Money.Format(Booking.AmountMinor, Booking.Currency),
        ["bookingReference"] = BookingReference.For(Booking.Id),
        ["timeZone"] = Zone.Id,
        ["manageUrl"] = ManageUrl,
    };
}
