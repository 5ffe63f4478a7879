using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Api.Features.Availability;

public sealed record SlotDto(DateTimeOffset StartsAtLocal, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int RemainingSeats);

public sealed record AvailabilityDto(Guid PackageId, string TimeZone, DateOnly From, DateOnly To, IReadOnlyList<SlotDto> Slots);

public static class AvailabilityEndpoints
{
    public const int MaxRangeDays = 62;

    public static void MapAvailabilityEndpoints(this RouteGroupBuilder publicTenant) =>
        publicTenant.MapGet("/packages/{packageId:guid}/availability", GetAvailability)
            .WithName("GetAvailability").WithTags("Availability").AllowAnonymous();

    /// <summary>
    /// Slots in the tenant's local time with their real instants and the most seats one booking can
    /// still take. Read from the replica: a slot shown free may be taken by the time of the hold, which
    /// then answers 409; the hold, not this list, is the authority.
    /// </summary>
    public static async Task<Results<Ok<AvailabilityDto>, NotFound<string>>> GetAvailability(
        Guid packageId, DateOnly from, DateOnly to, TenantContext scope, ReadDbContext db, IClock clock, CancellationToken ct)
    {
        var tenant = scope.Tenant;
        DomainException.EnsureSaneDate(from, "from");
        DomainException.EnsureSaneDate(to, "to");
        var days = to.DayNumber - from.DayNumber + 1;
        if (days < 1)
        {
            throw DomainException.Invalid("to", "'to' must not be before 'from'.");
        }

        if (days > Math.Min(MaxRangeDays, tenant.Policy.HorizonDays))
        {
            throw DomainException.Invalid("to", $"Ask for at most {Math.Min(MaxRangeDays, tenant.Policy.HorizonDays)} days at a time.");
        }

        var package = await db.Packages.FirstOrDefaultAsync(p => p.Id == packageId && !p.Archived, ct);
        if (package is null)
        {
            return TypedResults.NotFound("No such package.");
        }

        var zone = DateTimeZoneProviders.Tzdb[tenant.TimeZone];
        var (first, last) = (LocalDate.FromDateOnly(from), LocalDate.FromDateOnly(to));
        var hours = (await db.OpeningHours.ToListAsync(ct)).ConvertAll(h => new OpeningInterval(h.Day, h.Opens, h.Closes));
        var closures = (await db.Closures.Where(c => c.StartDate <= last && c.EndDate >= first).ToListAsync(ct))
            .ConvertAll(c => new ClosedRange(c.StartDate, c.EndDate));
        var now = clock.GetCurrentInstant();
        var slots = SlotCalculator.Slots(zone, tenant.Policy, Duration.FromMinutes(package.DurationMinutes), hours, closures, first, last, now).ToList();
        if (slots.Count == 0)
        {
            return TypedResults.Ok(new AvailabilityDto(packageId, tenant.TimeZone, from, to, []));
        }

        var itemIds = package.Inventory.Select(i => i.InventoryItemId).ToList();
        var windowFrom = slots[0].Occupied(tenant.Policy).From;
        var windowTo = slots.Max(s => s.Occupied(tenant.Policy).To);
        var quantities = await db.InventoryItems.Where(i => itemIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Quantity, ct);
        var allocations = (await db.BookingAllocations
                .Where(a => itemIds.Contains(a.InventoryItemId) && a.OccupiedFrom < windowTo && a.OccupiedTo > windowFrom && (a.HeldUntil == null || a.HeldUntil > now))
                .Select(a => new { a.InventoryItemId, a.Units, a.OccupiedFrom, a.OccupiedTo })
                .ToListAsync(ct))
            .ConvertAll(a => new Allocation(a.InventoryItemId, a.Units, a.OccupiedFrom, a.OccupiedTo));
        var uses = package.Inventory.ConvertAll(i => new ItemUse(i.InventoryItemId, i.Units, i.PerSeat, quantities.GetValueOrDefault(i.InventoryItemId)));

        var result = slots.ConvertAll(s =>
        {
            var (f, t) = s.Occupied(tenant.Policy);
            return new SlotDto(
                s.Start.WithOffset(s.Offset).ToDateTimeOffset(),
                s.Start.ToDateTimeOffset(),
                s.End.ToDateTimeOffset(),
                Capacity.MaxSeats(uses, allocations, f, t, package.MaxSeats));
        });
        return TypedResults.Ok(new AvailabilityDto(packageId, tenant.TimeZone, from, to, result));
    }
}
