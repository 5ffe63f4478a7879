using NodaTime;

namespace BookingAws.Shared.Domain.Catalog;

/// <summary>One open interval on a weekday, in the tenant's local time. A day may have several.</summary>
public sealed class OpeningHours : ITenantOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TenantId { get; init; }
    public IsoDayOfWeek Day { get; set; }
    public LocalTime Opens { get; set; }
    public LocalTime Closes { get; set; }
}

/// <summary>Dates the business is closed, inclusive, in the tenant's local calendar.</summary>
public sealed class Closure : ITenantOwned
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid TenantId { get; init; }
    public LocalDate StartDate { get; set; }
    public LocalDate EndDate { get; set; }
    public string? Reason { get; set; }
    public Instant CreatedAt { get; init; }
}
