using NodaTime;

namespace BookingAws.Shared.Domain.Catalog;

/// <summary>Something the business has a fixed number of: rooms, kayaks, instructors.</summary>
public sealed class InventoryItem : ITenantOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TenantId { get; init; }
    public required string Name { get; set; }
    public int Quantity { get; set; }
    public bool Archived { get; set; }
    public Instant CreatedAt { get; init; }
    public uint Version { get; set; }
}
