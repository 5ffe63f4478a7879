using BookingAws.Shared.Domain.Bookings;
using NodaTime;

namespace BookingAws.Shared.Tests.Bookings;

public sealed class CapacityTests
{
    private static readonly Guid Item = Guid.NewGuid();
    private static readonly Instant T0 = Instant.FromUtc(2030, 1, 1, 9, 0);

    private static Instant At(int minutes) => T0 + Duration.FromMinutes(minutes);

    [Fact]
    public void Peak_counts_only_allocations_that_overlap_at_the_same_instant()
    {
        // 9:00-10:00 and 10:00-11:00 never overlap each other; both overlap the window 9:30-10:30.
        Allocation[] allocations = [new(Item, 2, At(0), At(60)), new(Item, 3, At(60), At(120)), new(Item, 1, At(30), At(90))];

        Assert.Equal(4, Capacity.PeakUse(allocations, Item, At(30), At(90)));
        Assert.Equal(2, Capacity.PeakUse(allocations, Item, At(0), At(30)));
        Assert.Equal(4, Capacity.PeakUse(allocations, Item, At(60), At(61)));
        Assert.Equal(0, Capacity.PeakUse(allocations, Item, At(120), At(180)));
    }

    [Fact]
    public void Max_seats_respects_per_seat_and_per_booking_items_and_the_package_limit()
    {
        var guide = Guid.NewGuid();
        ItemUse[] uses = [new(Item, 1, true, 6), new(guide, 1, false, 1)];
        Allocation[] allocations = [new(Item, 4, At(0), At(60))];

        Assert.Equal(2, Capacity.MaxSeats(uses, allocations, At(0), At(60), 4));
        Assert.Equal(4, Capacity.MaxSeats(uses, [], At(0), At(60), 4));
        Assert.Equal(0, Capacity.MaxSeats(uses, [new(guide, 1, At(30), At(40))], At(0), At(60), 4));
    }

    [Fact]
    public void Remaining_counts_rooms_for_whole_item_packages_and_places_for_per_seat_ones()
    {
        var room = Guid.NewGuid();
        ItemUse[] meeting = [new(room, 1, false, 2)];
        ItemUse[] kayaks = [new(Item, 1, true, 10)];

        // Two rooms, one taken: one booking fits, whatever the party's size; no places are counted.
        Assert.Equal(new RemainingUnits(1, null), Capacity.Remaining(meeting, [new(room, 1, At(0), At(60))], At(0), At(60)));
        Assert.Equal(new RemainingUnits(0, null), Capacity.Remaining(meeting, [new(room, 1, At(0), At(60)), new(room, 1, At(30), At(90))], At(0), At(60)));

        // Per-seat units are places across bookings (not capped by one booking's limit); two units a seat halve them.
        Assert.Equal(new RemainingUnits(null, 7), Capacity.Remaining(kayaks, [new(Item, 3, At(0), At(60))], At(0), At(60)));
        Assert.Equal(new RemainingUnits(null, 3), Capacity.Remaining([new(Item, 2, true, 7)], [], At(0), At(60)));
        Assert.Equal(new RemainingUnits(null, null), Capacity.Remaining([], [], At(0), At(60)));
    }

    [Fact]
    public void Remaining_of_a_guided_tour_is_no_places_without_the_guide_and_no_more_bookings_than_places()
    {
        var guide = Guid.NewGuid();
        ItemUse[] tour = [new(Item, 1, true, 6), new(guide, 1, false, 2)];

        Assert.Equal(new RemainingUnits(2, 6), Capacity.Remaining(tour, [], At(0), At(60)));
        Assert.Equal(new RemainingUnits(1, 1), Capacity.Remaining(tour, [new(Item, 5, At(0), At(60))], At(0), At(60)));
        Assert.Equal(new RemainingUnits(0, 0), Capacity.Remaining(tour, [new(guide, 2, At(0), At(60))], At(0), At(60)));
    }
}
