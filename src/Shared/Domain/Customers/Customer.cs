using NodaTime;

namespace BookingAws.Shared.Domain.Customers;

/// <summary>A customer of one business, identified by email within that business.</summary>
public sealed class Customer : ITenantOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TenantId { get; init; }

    /// <summary>Stored lower-cased so uniqueness per tenant ignores case.</summary>
    public required string Email { get; set; }

    public required string Name { get; set; }

    /// <summary>The signed-in person this customer is, linked on their first signed-in booking here.</summary>
    public Guid? PersonId { get; set; }

    public string? Phone { get; set; }
    public string? Notes { get; set; }
    public Instant CreatedAt { get; init; }
    public uint Version { get; set; }
}
