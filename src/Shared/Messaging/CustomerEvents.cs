namespace BookingAws.Shared.Messaging;

/// <summary>A business gained a customer: created on the dashboard, or by a first-time guest's hold or waiting-list entry.</summary>
public sealed record CustomerCreated(Guid TenantId, Guid CustomerId, string Email, string Name, DateTimeOffset OccurredAt) : ITenantEvent
{
    public static string WireName => "customer.created.v1";
}

/// <summary>The business edited a customer on the dashboard; carries the customer as saved.</summary>
public sealed record CustomerUpdated(Guid TenantId, Guid CustomerId, string Email, string Name, DateTimeOffset OccurredAt) : ITenantEvent
{
    public static string WireName => "customer.updated.v1";
}
