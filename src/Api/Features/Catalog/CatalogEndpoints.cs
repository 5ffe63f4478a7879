using BookingAws.Api.Features.Hours;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Utility;

namespace BookingAws.Api.Features.Catalog;

public sealed record CatalogPackageDto(Guid Id, string Name, string? Description, int DurationMinutes, long PriceMinor, string Currency, int MaxSeats);

public sealed record CatalogDto(
    string Slug, string Name, string TimeZone, string Currency, IReadOnlyList<CatalogPackageDto> Packages,
    IReadOnlyList<OpeningIntervalDto> Hours, IReadOnlyList<ClosureDto> UpcomingClosures);

public static class CatalogEndpoints
{
    /// <summary>What a customer sees before booking: no auth, served from the replica and cacheable
    /// at the edge for a short time.</summary>
    public static void MapCatalogEndpoints(this RouteGroupBuilder publicTenant) =>
        publicTenant.MapGet("/catalog", GetCatalog).WithName("GetPublicCatalog").WithTags("Catalog").AllowAnonymous();

    public static async Task<Ok<CatalogDto>> GetCatalog(
        TenantContext scope, ReadDbContext db, IClock clock, HttpContext http, CancellationToken ct)
    {
        var tenant = scope.Tenant;
        var today = clock.GetCurrentInstant().InZone(DateTimeZoneProviders.Tzdb[tenant.TimeZone]).Date;
        var packages = await db.Packages.Where(p => !p.Archived).OrderBy(p => p.Name).ToListAsync(ct);
        var hours = await db.OpeningHours.OrderBy(h => h.Day).ThenBy(h => h.Opens).ToListAsync(ct);
        var closures = await db.Closures.Where(c => c.EndDate >= today).OrderBy(c => c.StartDate).Take(50).ToListAsync(ct);

        http.Response.Headers.CacheControl = "public, max-age=30";
        return TypedResults.Ok(new CatalogDto(
            tenant.Slug,
            tenant.Name,
            tenant.TimeZone,
            tenant.Currency,
            packages.ConvertAll(p => new CatalogPackageDto(p.Id, p.Name, p.Description, p.DurationMinutes, p.PriceMinor, p.Currency, p.MaxSeats)),
            hours.ConvertAll(h => new OpeningIntervalDto(BclConversions.ToDayOfWeek(h.Day), h.Opens.ToTimeOnly(), h.Closes.ToTimeOnly())),
            closures.ConvertAll(c => new ClosureDto(c.Id, c.StartDate.ToDateOnly(), c.EndDate.ToDateOnly(), c.Reason))));
    }
}
