using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Waitlists;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Waitlists;
using BookingAws.Shared.Messaging;

namespace BookingAws.Api.Tests.Waitlists;

/// <summary>
/// Cancellations, holds, joins and leaves all at once against the real database: a freed seat goes to exactly one
/// taker (the first in line when anyone waits, never a newcomer ahead of them), and the slot is never oversold.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class WaitlistConcurrencyTests(ApiFactory api)
{
    private const int Capacity = 3;

    [Fact]
    public async Task With_a_line_waiting_freed_seats_go_to_its_first_entries_once_each_and_never_to_a_newcomer()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: Capacity);
        var client = api.CreateClient();
        var start = BookingScenario.SlotOnDay(7, 10);
        var taken = await TakeAllAsync(s, client, start);
        var line = new List<WaitlistEntryDto>();
        for (var i = 0; i < 12; i++)
        {
            line.Add(await WaitlistApi.JoinedAsync(client, s, start));
        }

        using var gate = new SemaphoreSlim(0);
        async Task<HttpStatusCode> At(Func<Task<HttpResponseMessage>> send)
        {
            await gate.WaitAsync();
            using var response = await send();
            return response.StatusCode;
        }

        var cancels = taken.Select(b => At(() => s.Tenant.Owner.PostAsJsonAsync($"/api/v1/bookings/{b.Id}/cancel", new CancelRequest(null)))).ToList();
        var holds = Enumerable.Range(0, 60).Select(_ => At(() => s.HoldAsync(api.CreateClient(), s.Guest(start)))).ToList();
        var joins = Enumerable.Range(0, 20).Select(_ => At(() => WaitlistApi.JoinAsync(api.CreateClient(), s, start, $"{Guid.NewGuid():N}@example.test"))).ToList();
        var leaves = line.TakeLast(4).Select(e => At(() => WaitlistApi.LeaveAsync(api.CreateClient(), e.Id, e.Token!))).ToList();
        gate.Release(cancels.Count + holds.Count + joins.Count + leaves.Count);

        Assert.All(await Task.WhenAll(cancels), c => Assert.Equal(HttpStatusCode.OK, c));
        Assert.All(await Task.WhenAll(holds), h => Assert.Equal(HttpStatusCode.Conflict, h));
        Assert.All(await Task.WhenAll(joins), j => Assert.Equal(HttpStatusCode.Created, j));
        Assert.All(await Task.WhenAll(leaves), l => Assert.Equal(HttpStatusCode.OK, l));

        var entries = new List<WaitlistEntryDto>();
        foreach (var entry in line)
        {
            entries.Add(await WaitlistApi.EntryAsync(client, entry));
        }

        Assert.Equal(line.Take(Capacity).Select(e => e.Id), entries.Where(e => e.Status == WaitlistStatus.Offered).Select(e => e.Id));
        Assert.Equal(Capacity, entries.Where(e => e.BookingId is not null).Select(e => e.BookingId).Distinct().Count());
        Assert.Equal(Capacity, await LiveAtAsync(s, start));
        Assert.Empty(await Ledger.OversoldAsync(api.Services, s.ItemId));
        Assert.Equal(Capacity, (await Ledger.OutboxAsync(api.Services, s.Tenant.Id)).Count(m => m.Type == WaitlistOfferMade.WireName));
    }

    [Fact]
    public async Task Racing_an_empty_line_each_freed_seat_goes_to_one_hold_or_one_offer_and_nobody_waits_beside_a_free_seat()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: Capacity);
        var client = api.CreateClient();
        var start = BookingScenario.SlotOnDay(7, 12);
        var taken = await TakeAllAsync(s, client, start);

        using var gate = new SemaphoreSlim(0);
        async Task<HttpResponseMessage> At(Func<Task<HttpResponseMessage>> send)
        {
            await gate.WaitAsync();
            return await send();
        }

        var cancels = taken.Select(b => At(() => s.Tenant.Owner.PostAsJsonAsync($"/api/v1/bookings/{b.Id}/cancel", new CancelRequest(null)))).ToList();
        var holds = Enumerable.Range(0, 40).Select(_ => At(() => s.HoldAsync(api.CreateClient(), s.Guest(start)))).ToList();
        var joins = Enumerable.Range(0, 40).Select(_ => At(() => WaitlistApi.JoinAsync(api.CreateClient(), s, start, $"{Guid.NewGuid():N}@example.test"))).ToList();
        gate.Release(cancels.Count + holds.Count + joins.Count);

        foreach (var cancel in await Task.WhenAll(cancels))
        {
            Assert.True(cancel.StatusCode == HttpStatusCode.OK, await cancel.Content.ReadAsStringAsync());
        }

        var held = (await Task.WhenAll(holds)).Count(h => h.StatusCode == HttpStatusCode.Created);
        var joined = new List<WaitlistEntryDto>();
        foreach (var response in await Task.WhenAll(joins))
        {
            // A join finding the seats free is told to hold instead (409); every other join is on the line.
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict });
            if (response.StatusCode == HttpStatusCode.Created)
            {
                joined.Add((await response.Content.ReadFromJsonAsync<WaitlistEntryDto>(ApiFactory.Json))!);
            }
        }

        var offers = 0;
        foreach (var entry in joined)
        {
            offers += (await WaitlistApi.EntryAsync(client, entry)).Status == WaitlistStatus.Offered ? 1 : 0;
        }

        Assert.Equal(Capacity, held + offers);
        Assert.Equal(Capacity, await LiveAtAsync(s, start));
        Assert.Empty(await Ledger.OversoldAsync(api.Services, s.ItemId));
    }

    private static async Task<List<BookingDto>> TakeAllAsync(BookingScenario s, HttpClient client, DateTimeOffset start)
    {
        var taken = new List<BookingDto>();
        for (var i = 0; i < Capacity; i++)
        {
            taken.Add(await (await s.HoldAsync(client, s.Guest(start))).ReadAsync<BookingDto>(HttpStatusCode.Created));
        }

        return taken;
    }

    /// <summary>Held (unexpired) and confirmed bookings at the slot, straight from the bookings table.</summary>
    private static async Task<long> LiveAtAsync(BookingScenario s, DateTimeOffset start) =>
        await Ledger.ScalarAsync(
            "SELECT count(*) FROM bookings WHERE tenant_id = $1 AND starts_at = $2 AND (status = 'confirmed' OR (status = 'held' AND expires_at > now()))",
            s.Tenant.Id,
            start);
}
