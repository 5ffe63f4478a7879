using NodaTime;

namespace BookingAws.Shared.Domain.Catalog;

/// <summary>What a customer books: a duration at a price, consuming inventory.</summary>
public sealed class Package : ITenantOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TenantId { get; init; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public int DurationMinutes { get; set; }

    /// <summary>Price of one seat in minor units of <see cref="Currency"/>.</summary>
    public long PriceMinor { get; set; }

    public required string Currency { get; set; }

    /// <summary>Most seats one booking may take.</summary>
    public int MaxSeats { get; set; } = 1;

    public bool Archived { get; set; }
    public Instant CreatedAt { get; init; }
    public uint Version { get; set; }
    public List<PackageInventory> Inventory { get; set; } = [];
}

/// <summary>How many units of one inventory item a booking of the package consumes.</summary>
public sealed class PackageInventory
{
    public Guid PackageId { get; init; }
    public Guid InventoryItemId { get; set; }
    public int Units { get; set; } = 1;

    /// <summary>When true the units are consumed per seat (kayaks), otherwise per booking (a room).</summary>
    public bool PerSeat { get; set; }

    public int UnitsFor(int seats) => PerSeat ? Units * seats : Units;
}
