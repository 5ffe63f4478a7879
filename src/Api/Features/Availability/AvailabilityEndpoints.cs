using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Caching;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace BookingAws.Api.Features.Availability;

public sealed record SlotDto(DateTimeOffset StartsAtLocal, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int RemainingSeats);

public sealed record AvailabilityDto(Guid PackageId, string TimeZone, DateOnly From, DateOnly To, IReadOnlyList<SlotDto> Slots);

public static class AvailabilityEndpoints
{
    public const int MaxRangeDays = 62;

    /// <summary>
    /// Browsers and CloudFront may reuse an answer for 5 s and serve it 5 s more while they revalidate (a 304
    /// when nothing changed): a seat can be taken at any moment, so the window stays short, yet a marketing
    /// spike's repeated loads of one month cost the origin at most one revalidation per 5 s per edge. The
    /// answer is the same for every visitor, so it is public.
    /// </summary>
    public const string CacheControl = "public, max-age=5, stale-while-revalidate=5";

    public static void MapAvailabilityEndpoints(this RouteGroupBuilder publicTenant) =>
        publicTenant.MapGet("/packages/{packageId:guid}/availability", GetPublicAvailability)
            .WithName("GetAvailability").WithTags("Availability").AllowAnonymous()
            .Produces<AvailabilityDto>().Produces(StatusCodes.Status304NotModified).Produces<string>(StatusCodes.Status404NotFound);

    /// <summary>
    /// Slots in the tenant's local time with their real instants and the most seats one booking can
    /// still take, through the read cache (entries dropped by every booking on those days and every
    /// catalogue edit of the business). Read from the replica: a slot shown free may be taken by the time of
    /// the hold, which then answers 409; the hold, not this list (nor the cache), is the authority.
    /// </summary>
    public static async Task<IResult> GetPublicAvailability(
        Guid packageId, DateOnly from, DateOnly to, TenantContext scope, ReadCache cache, IOptions<CacheOptions> options, IClock clock, HttpContext http, CancellationToken ct)
    {
        var tenant = scope.Tenant;
        Validate(from, to, tenant);
        var services = http.RequestServices;
        var json = CachedJson.Options(services);
        var cached = await cache.GetOrCreateAsync(
            CacheName.Availability,
            $"availability:{tenant.Id:N}:{packageId:N}:{from:yyyy-MM-dd}:{to:yyyy-MM-dd}",
            async token =>
            {
                // A scope of its own: concurrent misses share this computation, which must outlive the request that started it.
                await using var owned = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
                var db = owned.ServiceProvider.GetRequiredService<ReadDbContext>();
                db.TenantId = tenant.Id;
                using var rowScope = DatabaseScope.Tenant(tenant.Id);
                var dto = await ComputeAsync(packageId, from, to, tenant, db, clock.GetCurrentInstant(), token);
                return dto is null ? null : CachedJson.Of(dto, json);
            },
            options.Value.AvailabilityFor,
            CacheTags.ForAvailability(tenant.Id, from, to),
            ct);
        return cached is null ? TypedResults.NotFound("No such package.") : cached.ToResult(http, CacheControl);
    }

    /// <summary>Uncached, for personalised pages (a booking's manage link), which must not share public entries.</summary>
    public static async Task<Results<Ok<AvailabilityDto>, NotFound<string>>> GetAvailability(
        Guid packageId, DateOnly from, DateOnly to, TenantContext scope, ReadDbContext db, IClock clock, CancellationToken ct)
    {
        var tenant = scope.Tenant;
        Validate(from, to, tenant);
        return await ComputeAsync(packageId, from, to, tenant, db, clock.GetCurrentInstant(), ct) is { } dto
            ? TypedResults.Ok(dto)
            : TypedResults.NotFound("No such package.");
    }

    private static void Validate(DateOnly from, DateOnly to, Tenant tenant)
    {
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
    }

    private static async Task<AvailabilityDto?> ComputeAsync(
        Guid packageId, DateOnly from, DateOnly to, Tenant tenant, ReadDbContext db, Instant now, CancellationToken ct)
    {
        var package = await db.Packages.FirstOrDefaultAsync(p => p.Id == packageId && !p.Archived, ct);
        if (package is null)
        {
            return null;
        }

        var zone = DateTimeZoneProviders.Tzdb[tenant.TimeZone];
        var (first, last) = (LocalDate.FromDateOnly(from), LocalDate.FromDateOnly(to));
        var hours = (await db.OpeningHours.ToListAsync(ct)).ConvertAll(h => new OpeningInterval(h.Day, h.Opens, h.Closes));
        var closures = (await db.Closures.Where(c => c.StartDate <= last && c.EndDate >= first).ToListAsync(ct))
            .ConvertAll(c => new ClosedRange(c.StartDate, c.EndDate));
        var slots = SlotCalculator.Slots(zone, tenant.Policy, Duration.FromMinutes(package.DurationMinutes), hours, closures, first, last, now).ToList();
        if (slots.Count == 0)
        {
            return new AvailabilityDto(packageId, tenant.TimeZone, from, to, []);
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
        return new AvailabilityDto(packageId, tenant.TimeZone, from, to, result);
    }
}
