using NodaTime;

namespace BookingAws.Shared.Domain.Bookings;

/// <summary>Units of an item taken by a live booking over a window.</summary>
public readonly record struct Allocation(Guid InventoryItemId, int Units, Instant From, Instant To);

/// <summary>How a package uses one inventory item, and how many of that item exist.</summary>
public readonly record struct ItemUse(Guid InventoryItemId, int Units, bool PerSeat, int Quantity)
{
    public int UnitsFor(int seats) => PerSeat ? Units * seats : Units;
}

/// <summary>What is left of a slot in the customer's terms (see <see cref="Capacity.Remaining"/>).</summary>
public readonly record struct RemainingUnits(int? Bookings, int? Places);

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

    /// <summary>
    /// What is left of a window in the customer's terms, across bookings rather than for one: the places (seats) all
    /// new bookings together could still take, when the package uses items per seat (kayaks); and the bookings that
    /// still fit, when it takes whole items per booking (a room, however many people come). Either is null when the
    /// package uses no item that way; both are null for a package that uses no inventory. A booking needs its whole
    /// items and at least one place, so none of one leaves none of the other.
    /// </summary>
    public static RemainingUnits Remaining(IReadOnlyCollection<ItemUse> uses, IReadOnlyCollection<Allocation> allocations, Instant from, Instant to)
    {
        int? places = null;
        int? bookings = null;
        foreach (var use in uses)
        {
            var fit = Math.Max(0, use.Quantity - PeakUse(allocations, use.InventoryItemId, from, to)) / Math.Max(1, use.Units);
            if (use.PerSeat)
            {
                places = Math.Min(places ?? int.MaxValue, fit);
            }
            else
            {
                bookings = Math.Min(bookings ?? int.MaxValue, fit);
            }
        }

        if (places is { } p && bookings is { } b)
        {
            (places, bookings) = (b == 0 ? 0 : p, Math.Min(b, p));
        }

        return new RemainingUnits(bookings, places);
    }

    public static bool Fits(IReadOnlyCollection<ItemUse> uses, IReadOnlyCollection<Allocation> allocations, Instant from, Instant to, int seats) =>
        uses.All(u => PeakUse(allocations, u.InventoryItemId, from, to) + u.UnitsFor(seats) <= u.Quantity);
}
