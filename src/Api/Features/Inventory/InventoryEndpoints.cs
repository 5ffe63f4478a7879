using System.ComponentModel.DataAnnotations;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Data.Waitlists;
using BookingAws.Shared.Domain.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Api.Features.Inventory;

public sealed record InventoryItemRequest(
    [Required, StringLength(200, MinimumLength = 1)] string Name,
    [Range(0, 1_000_000)] int Quantity);

public sealed record InventoryItemDto(Guid Id, string Name, int Quantity, bool Archived, DateTimeOffset CreatedAt)
{
    public static InventoryItemDto From(InventoryItem i) => new(i.Id, i.Name, i.Quantity, i.Archived, i.CreatedAt.ToDateTimeOffset());
}

public static class InventoryEndpoints
{
    public static void MapInventoryEndpoints(this RouteGroupBuilder dashboard)
    {
        var group = dashboard.MapGroup("/inventory").WithTags("Inventory");
        group.MapGet("/", List).WithName("ListInventory");
        group.MapGet("/{id:guid}", Get).WithName("GetInventoryItem");
        group.MapPost("/", Create).WithName("CreateInventoryItem").RequireAuthorization(Policies.Owner);
        group.MapPut("/{id:guid}", Update).WithName("UpdateInventoryItem").RequireAuthorization(Policies.Owner);
        group.MapPost("/{id:guid}/archive", Archive).WithName("ArchiveInventoryItem").RequireAuthorization(Policies.Owner);
    }

    public static async Task<Ok<List<InventoryItemDto>>> List(ReadSession reads, bool includeArchived = false, CancellationToken ct = default)
    {
        var db = await reads.ReaderAsync(ct);
        var items = await db.InventoryItems
            .Where(i => includeArchived || !i.Archived)
            .OrderBy(i => i.Name)
            .ToListAsync(ct);
        return TypedResults.Ok(items.ConvertAll(InventoryItemDto.From));
    }

    public static async Task<Results<Ok<InventoryItemDto>, NotFound>> Get(Guid id, ReadSession reads, CancellationToken ct)
    {
        var db = await reads.ReaderAsync(ct);
        var item = await db.InventoryItems.FirstOrDefaultAsync(i => i.Id == id, ct);
        return item is null ? TypedResults.NotFound() : TypedResults.Ok(InventoryItemDto.From(item));
    }

    public static async Task<Created<InventoryItemDto>> Create(
        InventoryItemRequest request, TenantContext scope, BookingDbContext db, ReadSession reads, IClock clock, CancellationToken ct)
    {
        var item = new InventoryItem
        {
            TenantId = scope.Tenant.Id,
            Name = request.Name.Trim(),
            Quantity = request.Quantity,
            CreatedAt = clock.GetCurrentInstant(),
        };
        db.InventoryItems.Add(item);
        await db.SaveChangesAsync(ct);
        await reads.RecordWriteAsync(ct);
        return TypedResults.Created($"/api/v1/tenants/{scope.Tenant.Slug}/inventory/{item.Id}", InventoryItemDto.From(item));
    }

    /// <summary>
    /// A raised quantity is offered to the waiting lists of the packages that use the item, each in a transaction of
    /// its own under the hold's locks, after this commit. Nobody can take those seats first: holds are refused while
    /// anyone waits for their slot. Should the offers fail, the workers' backstop sweep makes them.
    /// </summary>
    public static async Task<Results<Ok<InventoryItemDto>, NotFound>> Update(
        Guid id, InventoryItemRequest request, BookingDbContext db, ReadSession reads, WaitlistStore waitlists, ILogger<InventoryItemRequest> logger, CancellationToken ct)
    {
        var item = await db.InventoryItems.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (item is null)
        {
            return TypedResults.NotFound();
        }

        var raised = request.Quantity > item.Quantity;
        item.Name = request.Name.Trim();
        item.Quantity = request.Quantity;
        await db.SaveChangesAsync(ct);
        await reads.RecordWriteAsync(ct);
        if (raised)
        {
            try
            {
                await waitlists.OfferForItemAsync(item.TenantId, item.Id, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The quantity is saved; the answer says so. The backstop sweep offers the seats (and logs that it did).
                logger.LogError(e, "Offering raised capacity of item {ItemId} to waiting lists failed", item.Id);
            }
        }

        return TypedResults.Ok(InventoryItemDto.From(item));
    }

    /// <summary>Archiving hides an item from new packages; bookings that used it keep their history.</summary>
    public static async Task<Results<Ok<InventoryItemDto>, NotFound>> Archive(Guid id, BookingDbContext db, ReadSession reads, CancellationToken ct)
    {
        var item = await db.InventoryItems.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (item is null)
        {
            return TypedResults.NotFound();
        }

        item.Archived = true;
        await db.SaveChangesAsync(ct);
        await reads.RecordWriteAsync(ct);
        return TypedResults.Ok(InventoryItemDto.From(item));
    }
}
