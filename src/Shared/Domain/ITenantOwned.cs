namespace BookingAws.Shared.Domain;

/// <summary>Rows that belong to one business; the data layer filters every query on it.</summary>
public interface ITenantOwned
{
    Guid TenantId { get; }
}
