using System.Net;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using StackExchange.Redis;

namespace BookingAws.Api.Tests.Availability;

/// <summary>The cache's Redis cut (connections refused and dropped, as a stopped server) and then hung, under a running API.</summary>
public sealed class ReadCacheRedisOutageTests(ApiOverCuttableRedis api) : IClassFixture<ApiOverCuttableRedis>
{
    [Fact]
    public async Task Without_redis_reads_answer_from_memory_and_the_database_and_the_cache_uses_redis_again_when_it_returns()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1, priceMinor: 0);
        var slot = BookingScenario.SlotOnDay(3, 14);
        var client = api.CreateClient();
        Assert.Equal(1, await ReadCacheTests.FirstSeatsAsync(client, s, slot));

        api.Proxy.Refuse = true;
        api.Proxy.DropAll();
        try
        {
            Assert.Equal(1, await ReadCacheTests.SeatsAsync(client, s, slot)); // L1
            Assert.Equal(1, await ReadCacheTests.SeatsAsync(client, s, slot.AddDays(1))); // not cached: the database
            await (await client.GetAsync(s.Tenant.Url("/catalog"))).ShouldBe(HttpStatusCode.OK);

            // This instance's own writes still drop its entries (once the replica has the hold).
            await (await s.HoldAsync(client, s.Guest(slot))).ShouldBe(HttpStatusCode.Created);
            Assert.Equal(0, await Eventually.Until(() => ReadCacheTests.SeatsAsync(client, s, slot), seats => seats == 0));
        }
        finally
        {
            api.Proxy.Refuse = false;
        }

        // Back by itself: fresh ranges land in Redis again. The client's reconnect backs off for seconds, and each probe
        // asks for a day not asked before (one read during the outage stays in memory only): probing every half second
        // keeps those days inside the 90-day booking horizon.
        using var redis = await ConnectionMultiplexer.ConnectAsync(ApiOverCuttableRedis.Redis);
        var offset = 5;
        var stored = await Eventually.Until(
            async () =>
            {
                var day = slot.AddDays(offset++);
                Assert.Equal(1, await ReadCacheTests.SeatsAsync(client, s, day));
                var date = DateOnly.FromDateTime(day.UtcDateTime);
                var found = await redis.GetDatabase().KeyExistsAsync($"bookingaws:cache:availability:{s.Tenant.Id:N}:{s.PackageId:N}:{date:yyyy-MM-dd}:{date:yyyy-MM-dd}");
                if (!found)
                {
                    await Task.Delay(450);
                }

                return found;
            },
            found => found,
            TimeSpan.FromSeconds(30));
        Assert.True(stored);

        // A Redis that hangs (accepts, never answers) costs reads nothing either.
        api.Proxy.Delay = TimeSpan.FromMinutes(5);
        try
        {
            Assert.Equal(1, await ReadCacheTests.SeatsAsync(client, s, slot.AddDays(2)));
            await (await client.GetAsync(s.Tenant.Url("/catalog"))).ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            api.Proxy.Delay = TimeSpan.Zero;
        }
    }
}
