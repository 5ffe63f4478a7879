using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;

namespace BookingAws.Api.Tests.Availability;

/// <summary>The cache's off switch: every read computed from the database, so nothing an invalidation missed can show.</summary>
public sealed class ReadCacheOffTests(ApiWithCacheOff api) : IClassFixture<ApiWithCacheOff>
{
    [Fact]
    public async Task With_the_cache_off_a_seat_taken_without_telling_any_cache_shows_as_taken()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1, priceMinor: 0);
        var slot = BookingScenario.SlotOnDay(4, 13);
        var client = api.CreateClient();
        Assert.Equal(1, await ReadCacheTests.FirstSeatsAsync(client, s, slot));

        // As in the stale-seat test with the cache on, where the page kept showing the seat for its whole lifetime.
        await ReadCacheTests.TakeSeatTellingNoCacheAsync(s, slot);

        // Eventually only for the replica's replay; the cache's entries here would live ten minutes.
        Assert.Equal(0, await Eventually.Until(() => ReadCacheTests.SeatsAsync(client, s, slot), seats => seats == 0));
    }
}
