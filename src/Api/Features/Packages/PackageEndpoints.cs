using System.ComponentModel.DataAnnotations;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Api.Features.Packages;

public sealed record PackageInventoryDto(Guid InventoryItemId, [Range(1, 10_000)] int Units, bool PerSeat);

public sealed record PackageRequest(
    [Required, StringLength(200, MinimumLength = 1)] string Name,
    [StringLength(4000)] string? Description,
    [Range(5, OccupiedWindow.MaxDurationMinutes)] int DurationMinutes,
    [Range(0, 100_000_000)] long PriceMinor,
    [Range(1, 1000)] int MaxSeats,
    [Required, MinLength(1)] List<PackageInventoryDto> Inventory);

public sealed record PackageDto(
    Guid Id, string Name, string? Description, int DurationMinutes, long PriceMinor, string Currency, int MaxSeats, bool Archived,
    List<PackageInventoryDto> Inventory)
{
    public static PackageDto From(Package p) => new(
        p.Id, p.Name, p.Description, p.DurationMinutes, p.PriceMinor, p.Currency, p.MaxSeats, p.Archived,
        p.Inventory.ConvertAll(i => new PackageInventoryDto(i.InventoryItemId, i.Units, i.PerSeat)));
}

public static class PackageEndpoints
{
    public static void MapPackageEndpoints(this RouteGroupBuilder dashboard)
    {
        var group = dashboard.MapGroup("/packages").WithTags("Packages");
        group.MapGet("/", List).WithName("ListPackages");
        group.MapGet("/{id:guid}", Get).WithName("GetPackage");
        group.MapPost("/", Create).WithName("CreatePackage").RequireAuthorization(Policies.Owner);
        group.MapPut("/{id:guid}", Update).WithName("UpdatePackage").RequireAuthorization(Policies.Owner);
        group.MapPost("/{id:guid}/archive", Archive).WithName("ArchivePackage").RequireAuthorization(Policies.Owner);
    }

    public static async Task<Ok<List<PackageDto>>> List(ReadSession reads, bool includeArchived = false, CancellationToken ct = default)
    {
        var db = await reads.ReaderAsync(ct);
        var packages = await db.Packages.Where(p => includeArchived || !p.Archived).OrderBy(p => p.Name).ToListAsync(ct);
        return TypedResults.Ok(packages.ConvertAll(PackageDto.From));
    }

    public static async Task<Results<Ok<PackageDto>, NotFound>> Get(Guid id, ReadSession reads, CancellationToken ct)
    {
        var db = await reads.ReaderAsync(ct);
        var package = await db.Packages.FirstOrDefaultAsync(p => p.Id == id, ct);
        return package is null ? TypedResults.NotFound() : TypedResults.Ok(PackageDto.From(package));
    }

    public static async Task<Created<PackageDto>> Create(
        PackageRequest request, TenantContext scope, BookingDbContext db, ReadSession reads, IClock clock, CancellationToken ct)
    {
        await EnsureInventoryExistsAsync(request, db, ct);
        var package = new Package
        {
            TenantId = scope.Tenant.Id,
            Name = request.Name.Trim(),
            Currency = scope.Tenant.Currency,
            CreatedAt = clock.GetCurrentInstant(),
        };
        Apply(package, request);
        db.Packages.Add(package);
        await db.SaveChangesAsync(ct);
        await reads.RecordWriteAsync(ct);
        return TypedResults.Created($"/api/v1/tenants/{scope.Tenant.Slug}/packages/{package.Id}", PackageDto.From(package));
    }

    public static async Task<Results<Ok<PackageDto>, NotFound>> Update(
        Guid id, PackageRequest request, BookingDbContext db, ReadSession reads, CancellationToken ct)
    {
        var package = await db.Packages.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (package is null)
        {
            return TypedResults.NotFound();
        }

        await EnsureInventoryExistsAsync(request, db, ct);
        Apply(package, request);
        await db.SaveChangesAsync(ct);
        await reads.RecordWriteAsync(ct);
        return TypedResults.Ok(PackageDto.From(package));
    }

    /// <summary>Archived packages leave the public catalogue; existing bookings stay valid.</summary>
    public static async Task<Results<Ok<PackageDto>, NotFound>> Archive(Guid id, BookingDbContext db, ReadSession reads, CancellationToken ct)
    {
        var package = await db.Packages.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (package is null)
        {
            return TypedResults.NotFound();
        }

        package.Archived = true;
        await db.SaveChangesAsync(ct);
        await reads.RecordWriteAsync(ct);
        return TypedResults.Ok(PackageDto.From(package));
    }

    private static void Apply(Package package, PackageRequest request)
    {
        package.Name = request.Name.Trim();
        package.Description = request.Description?.Trim();
        package.DurationMinutes = request.DurationMinutes;
        package.PriceMinor = request.PriceMinor;
        package.MaxSeats = request.MaxSeats;
        // Update in place: removing and re-adding a row with the same key confuses change tracking.
        package.Inventory.RemoveAll(existing => request.Inventory.All(i => i.InventoryItemId != existing.InventoryItemId));
        foreach (var wanted in request.Inventory)
        {
            var line = package.Inventory.Find(i => i.InventoryItemId == wanted.InventoryItemId);
            if (line is null)
            {
                line = new PackageInventory { PackageId = package.Id, InventoryItemId = wanted.InventoryItemId };
                package.Inventory.Add(line);
            }

            line.Units = wanted.Units;
            line.PerSeat = wanted.PerSeat;
        }
    }

    /// <summary>Consumption may only name this tenant's active items, each once; the tenant filter
    /// makes another business's item look absent.</summary>
    private static async Task EnsureInventoryExistsAsync(PackageRequest request, BookingDbContext db, CancellationToken ct)
    {
        var ids = request.Inventory.Select(i => i.InventoryItemId).ToList();
        if (ids.Distinct().Count() != ids.Count)
        {
            throw DomainException.Invalid("inventory", "Each inventory item may appear once.");
        }

        var found = await db.InventoryItems.Where(i => ids.Contains(i.Id) && !i.Archived).Select(i => i.Id).ToListAsync(ct);
        var missing = ids.Except(found).ToList();
        if (missing.Count > 0)
        {
            throw DomainException.Invalid("inventory", $"Unknown or archived inventory item(s): {string.Join(", ", missing)}.");
        }
    }
}
