using System.Net;
using BookingAws.Api.Tests.Infrastructure;

namespace BookingAws.Api.Tests.Bookings;

/// <summary>Hundreds of customers at once must never oversell: exactly the capacity succeeds.</summary>
[Collection(ApiCollection.Name)]
public sealed class BookingConcurrencyTests(ApiFactory api)
{
    private const int Requests = 200;

    [Fact]
    public async Task Two_hundred_simultaneous_holds_for_one_slot_sell_exactly_the_capacity()
    {
        var scenario = await BookingScenario.CreateAsync(api, quantity: 5);
        var start = BookingScenario.SlotOnDay(3, 10);
        var client = api.CreateClient();

        var statuses = await FireAsync(Enumerable.Range(0, Requests).Select(_ => scenario.Guest(start)), scenario, client);

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(Requests - 5, statuses.Count(s => s == HttpStatusCode.Conflict));
        Assert.Empty(await Ledger.OversoldAsync(api.Services, scenario.ItemId));
        Assert.Equal(5, (await Ledger.BookingsAsync(api.Services, scenario.Tenant.Id)).Count);
    }

    [Fact]
    public async Task Two_hundred_simultaneous_holds_over_overlapping_slots_sharing_one_item_never_oversell()
    {
        // 90-minute sessions every 30 minutes: 10:00, 10:30 and 11:00 all overlap at 11:00-11:30.
        var scenario = await BookingScenario.CreateAsync(api, quantity: 4, durationMinutes: 90);
        var starts = new[] { 0, 30, 60, 90, 120 }.Select(m => BookingScenario.SlotOnDay(4, 10, 0).AddMinutes(m)).ToArray();
        var client = api.CreateClient();

        var requests = Enumerable.Range(0, Requests).Select(i => scenario.Guest(starts[i % starts.Length], seats: 1 + (i % 2)));
        var statuses = await FireAsync(requests, scenario, client);

        Assert.Equal(Requests, statuses.Count(s => s is HttpStatusCode.Created or HttpStatusCode.Conflict));
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.Created), 2, 12);
        Assert.Empty(await Ledger.OversoldAsync(api.Services, scenario.ItemId));
    }

    private static async Task<HttpStatusCode[]> FireAsync(IEnumerable<Features.Bookings.HoldRequest> requests, BookingScenario scenario, HttpClient client)
    {
        using var gate = new SemaphoreSlim(0);
        var tasks = requests.Select(async r =>
        {
            using var message = BookingScenario.HoldMessage(scenario.Tenant, r);
            await gate.WaitAsync();
            using var response = await client.SendAsync(message);
            return response.StatusCode;
        }).ToList();
        gate.Release(tasks.Count);
        return await Task.WhenAll(tasks);
    }
}
