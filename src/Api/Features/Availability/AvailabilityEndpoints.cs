using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Caching;
using BookingAws.Shared.Data;
using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NodaTime;

namespace BookingAws.Api.Features.Availability;

/// <param name="RemainingSeats">The most seats one booking can take now; 0 while people are on the slot's waiting list.</param>
/// <param name="Waitlist">People are waiting for this slot: freed seats go to them first, so a newcomer may only join the list.</param>
/// <param name="RemainingBookings">
/// For a package that takes whole items per booking (a meeting room): how many more bookings fit ("1 room left"),
/// whatever the party's size; null when it takes none. 0 while people wait.
/// </param>
/// <param name="RemainingPlaces">
/// For a package that takes items per seat (kayaks): the places all new bookings together can still take ("5 places
/// left"), which one booking's limit (<paramref name="RemainingSeats"/>) may cap lower; null when it takes none. 0 while people wait.
/// </param>
public sealed record SlotDto(
    DateTimeOffset StartsAtLocal,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    int RemainingSeats,
    bool Waitlist = false,
    int? RemainingBookings = null,
    int? RemainingPlaces = null);

/// <param name="WholeItemName">
/// The item each booking takes whole, as the business named it ("Meeting room"), for wording
/// <see cref="SlotDto.RemainingBookings"/>; of several, the scarcest. Null when bookings take no whole item.
/// </param>
public sealed record AvailabilityDto(
    Guid PackageId, string TimeZone, DateOnly From, DateOnly To, IReadOnlyList<SlotDto> Slots, string? WholeItemName = null);

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
        Guid packageId,
        DateOnly from,
        DateOnly to,
        TenantContext scope,
        ReadCache cache,
        AvailabilityReads reads,
        IOptions<CacheOptions> options,
        IClock clock,
        HttpContext http,
        CancellationToken ct)
    {
        var tenant = scope.Tenant;
        Validate(from, to, tenant);
        var json = CachedJson.Options(http.RequestServices);
        var cached = await cache.GetOrCreateAsync(
            CacheName.Availability,
            $"availability:{tenant.Id:N}:{packageId:N}:{from:yyyy-MM-dd}:{to:yyyy-MM-dd}",
            async token =>
            {
                // Singletons only: concurrent misses share this computation, which may outlive the request that started it.
                var dto = await ComputeAsync(packageId, from, to, tenant, reads, clock.GetCurrentInstant(), token);
                return dto is null ? null : CachedJson.Of(dto, json);
            },
            options.Value.AvailabilityFor,
            CacheTags.ForAvailability(tenant.Id, from, to),
            ct);
        return cached is null ? TypedResults.NotFound("No such package.") : cached.ToResult(http, CacheControl);
    }

    /// <summary>Uncached, for personalised pages (a booking's manage link), which must not share public entries.</summary>
    public static async Task<Results<Ok<AvailabilityDto>, NotFound<string>>> GetAvailability(
        Guid packageId, DateOnly from, DateOnly to, TenantContext scope, AvailabilityReads reads, IClock clock, CancellationToken ct)
    {
        var tenant = scope.Tenant;
        Validate(from, to, tenant);
        return await ComputeAsync(packageId, from, to, tenant, reads, clock.GetCurrentInstant(), ct) is { } dto
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

    /// <summary>One round trip to the replica for the whole range, then slots and seats in memory.</summary>
    private static async Task<AvailabilityDto?> ComputeAsync(
        Guid packageId, DateOnly from, DateOnly to, Tenant tenant, AvailabilityReads reads, Instant now, CancellationToken ct)
    {
        var zone = DateTimeZoneProviders.Tzdb[tenant.TimeZone];
        var (first, last) = (LocalDate.FromDateOnly(from), LocalDate.FromDateOnly(to));
        AvailabilityFacts? facts;
        using (DatabaseScope.Tenant(tenant.Id))
        {
            facts = await reads.LoadAsync(tenant.Id, packageId, first, last, zone, now, ct);
        }

        if (facts is null)
        {
            return null;
        }

        var result = SlotCalculator.Slots(zone, tenant.Policy, Duration.FromMinutes(facts.DurationMinutes), facts.Hours, facts.Closures, first, last, now)
            .Select(s =>
            {
                var (f, t) = s.Occupied(tenant.Policy);

                // The hold refuses newcomers while anyone waits here (seats freed meanwhile go to the list), so say so.
                var waited = facts.WaitedFor.Contains(s.Start);
                var left = Capacity.Remaining(facts.Uses, facts.Allocations, f, t);
                return new SlotDto(
                    s.Start.WithOffset(s.Offset).ToDateTimeOffset(),
                    s.Start.ToDateTimeOffset(),
                    s.End.ToDateTimeOffset(),
                    waited ? 0 : Capacity.MaxSeats(facts.Uses, facts.Allocations, f, t, facts.MaxSeats),
                    waited,
                    waited && left.Bookings is not null ? 0 : left.Bookings,
                    waited && left.Places is not null ? 0 : left.Places);
            })
            .ToList();
        var whole = facts.Uses.Where(u => !u.PerSeat)
            .OrderBy(u => u.Quantity / Math.Max(1, u.Units))
            .Select(u => facts.ItemNames.GetValueOrDefault(u.InventoryItemId))
            .FirstOrDefault();
        return new AvailabilityDto(packageId, tenant.TimeZone, from, to, result, whole);
    }
}
