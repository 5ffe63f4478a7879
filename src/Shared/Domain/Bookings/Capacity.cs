using NodaTime;

namespace BookingAws.Shared.Domain.Bookings;

/// <summary>Units of an item taken by a live booking over a window.</summary>
public readonly record struct Allocation(Guid InventoryItemId, int Units, Instant From, Instant To);

/// <summary>How a package uses one inventory item, and how many of that item exist.</summary>
public readonly record struct ItemUse(Guid InventoryItemId, int Units, bool PerSeat, int Quantity)
{
    public int UnitsFor(int seats) => PerSeat ? Units * seats : Units;
}

/// <summary>
/// The capacity rule: at no instant may the units held or booked of an item exceed its quantity. A new
/// booking fits if, for each item it uses, the peak concurrent use inside its window plus its own
/// units stays within the quantity.
/// </summary>
public static class Capacity
{
    /// <summary>The most units of one item in use at any instant of [from, to).</summary>
    public static int PeakUse(IEnumerable<Allocation> allocations, Guid item, Instant from, Instant to)
    {
        var overlapping = allocations.Where(a => a.InventoryItemId == item && a.From < to && a.To > from).ToList();
        if (overlapping.Count == 0)
        {
            return 0;
        }

        // Use only rises where an allocation starts, so the peak is at the window start or at one of those.
        var peak = 0;
        foreach (var point in overlapping.Select(a => a.From).Where(p => p > from).Append(from))
        {
            var use = overlapping.Where(a => a.From <= point && point < a.To).Sum(a => a.Units);
            peak = Math.Max(peak, use);
        }

        return peak;
    }

    /// <summary>The largest number of seats one new booking can take in the window (0 when none).</summary>
    public static int MaxSeats(IReadOnlyCollection<ItemUse> uses, IReadOnlyCollection<Allocation> allocations, Instant from, Instant to, int packageMaxSeats)
    {
        var seats = packageMaxSeats;
        foreach (var use in uses)
        {
            var free = use.Quantity - PeakUse(allocations, use.InventoryItemId, from, to);
            seats = use.PerSeat
                ? Math.Min(seats, free / Math.Max(1, use.Units))
                : free >= use.Units ? seats : 0;
        }

        return Math.Max(0, seats);
    }

    public static bool Fits(IReadOnlyCollection<ItemUse> uses, IReadOnlyCollection<Allocation> allocations, Instant from, Instant to, int seats) =>
        uses.All(u => PeakUse(allocations, u.InventoryItemId, from, to) + u.UnitsFor(seats) <= u.Quantity);
}
