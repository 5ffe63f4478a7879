using BookingAws.Api.Features.Hours;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Caching;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Utility;

namespace BookingAws.Api.Features.Catalog;

public sealed record CatalogPackageDto(Guid Id, string Name, string? Description, int DurationMinutes, long PriceMinor, string Currency, int MaxSeats);

/// <param name="WaitlistOfferMinutes">How long a place that comes free is held for the first person waiting (the policy's).</param>
public sealed record CatalogDto(
    string Slug, string Name, string TimeZone, string Currency, IReadOnlyList<CatalogPackageDto> Packages,
    IReadOnlyList<OpeningIntervalDto> Hours, IReadOnlyList<ClosureDto> UpcomingClosures, int WaitlistOfferMinutes = 30);

public static class CatalogEndpoints
{
    /// <summary>What a customer sees before booking: no auth, served from the replica and cacheable
    /// at the edge for a short time.</summary>
    public static void MapCatalogEndpoints(this RouteGroupBuilder publicTenant) =>
        publicTenant.MapGet("/catalog", GetCatalog).WithName("GetPublicCatalog").WithTags("Catalog").AllowAnonymous()
            .Produces<CatalogDto>().Produces(StatusCodes.Status304NotModified);

    /// <summary>The same for every visitor (public) and edited rarely: 30 s, and 30 s more while revalidating.</summary>
    public const string CacheControl = "public, max-age=30, stale-while-revalidate=30";

    public static async Task<IResult> GetCatalog(
        TenantContext scope, ReadCache cache, IOptions<CacheOptions> options, IClock clock, HttpContext http, CancellationToken ct)
    {
        var tenant = scope.Tenant;
        var today = clock.GetCurrentInstant().InZone(DateTimeZoneProviders.Tzdb[tenant.TimeZone]).Date;
        var services = http.RequestServices;
        var json = CachedJson.Options(services);
        var cached = await cache.GetOrCreateAsync(
            CacheName.Catalogue,
            $"catalogue:{tenant.Id:N}:{today:yyyy-MM-dd}",
            async token =>
            {
                // A scope of its own: concurrent misses share this computation, which must outlive the request that started it.
                await using var owned = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
                var db = owned.ServiceProvider.GetRequiredService<ReadDbContext>();
                db.TenantId = tenant.Id;
                using var rowScope = DatabaseScope.Tenant(tenant.Id);
                return CachedJson.Of(await LoadAsync(tenant, today, db, token), json);
            },
            options.Value.CatalogueFor,
            [CacheTags.Tenant(tenant.Id)],
            ct);
        return cached.ToResult(http, CacheControl);
    }

    private static async Task<CatalogDto> LoadAsync(Tenant tenant, LocalDate today, ReadDbContext db, CancellationToken ct)
    {
        var packages = await db.Packages.Where(p => !p.Archived).OrderBy(p => p.Name).ToListAsync(ct);
        var hours = await db.OpeningHours.OrderBy(h => h.Day).ThenBy(h => h.Opens).ToListAsync(ct);
        var closures = await db.Closures.Where(c => c.EndDate >= today).OrderBy(c => c.StartDate).Take(50).ToListAsync(ct);

        return new CatalogDto(
            tenant.Slug,
            tenant.Name,
            tenant.TimeZone,
            tenant.Currency,
            packages.ConvertAll(p => new CatalogPackageDto(p.Id, p.Name, p.Description, p.DurationMinutes, p.PriceMinor, p.Currency, p.MaxSeats)),
            hours.ConvertAll(h => new OpeningIntervalDto(BclConversions.ToDayOfWeek(h.Day), h.Opens.ToTimeOnly(), h.Closes.ToTimeOnly())),
            closures.ConvertAll(c => new ClosureDto(c.Id, c.StartDate.ToDateOnly(), c.EndDate.ToDateOnly(), c.Reason)),
            tenant.Policy.WaitlistOfferMinutes);
    }
}
