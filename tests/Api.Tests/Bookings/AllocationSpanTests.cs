using System.Net;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Bookings;
using Npgsql;

namespace BookingAws.Api.Tests.Bookings;

/// <summary>
/// The capacity reads only scan allocations that start less than <see cref="OccupiedWindow.MaxSpan"/> before the window
/// (so their cost does not grow with a business's history). That is safe only while no allocation is longer, which the
/// database enforces: an allocation of exactly the longest span is still found, a longer one cannot be stored.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AllocationSpanTests(ApiFactory api)
{
    [Fact]
    public async Task An_allocation_of_the_longest_span_still_blocks_a_hold_at_its_far_end_and_a_longer_one_is_refused()
    {
        var scenario = await BookingScenario.CreateAsync(api, quantity: 1);
        var start = BookingScenario.SlotOnDay(20, 10);
        var client = api.CreateClient();
        using (var first = await scenario.HoldAsync(client, scenario.Guest(start)))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        // Stretch the held booking's allocation back to the longest span allowed: it now starts 16 days before the slot
        // and overlaps the slot only at its end.
        var longest = (int)OccupiedWindow.MaxSpan.TotalMinutes;
        await StretchAsync(scenario.ItemId, longest);

        using (var second = await scenario.HoldAsync(client, scenario.Guest(start)))
        {
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        }

        var refused = await Assert.ThrowsAsync<PostgresException>(() => StretchAsync(scenario.ItemId, longest + 1));
        Assert.Equal("ck_booking_allocations_span", refused.ConstraintName);
        Assert.Empty(await Ledger.OversoldAsync(api.Services, scenario.ItemId));
    }

    private static async Task StretchAsync(Guid itemId, int minutes)
    {
        await using var stretch = PlatformDatabase.OwnerSource.CreateCommand(
            "UPDATE booking_allocations SET occupied_from = occupied_to - make_interval(mins => $2) WHERE inventory_item_id = $1");
        stretch.Parameters.AddWithValue(itemId);
        stretch.Parameters.AddWithValue(minutes);
        Assert.Equal(1, await stretch.ExecuteNonQueryAsync());
    }
}
