using System.Net;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;

namespace BookingAws.Api.Tests.Abuse;

/// <summary>One email cannot sit on a calendar: it has at most a few holds waiting for payment at a business.</summary>
public sealed class ActiveHoldCapTests(AbuseApi api) : IClassFixture<AbuseApi>
{
    [Fact]
    public async Task An_email_with_the_most_unpaid_holds_is_refused_another_until_one_is_settled_but_its_retries_replay()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 100, priceMinor: 2500);
        var client = api.CreateClient();
        var email = $"{Guid.NewGuid():N}@example.test";
        var firstKey = Guid.NewGuid().ToString();
        var first = s.Guest(BookingScenario.SlotOnDay(3, 9), email: email);
        var held = await (await client.SendAsync(AbuseApi.HoldFrom(AbuseApi.NewClientAddress(), s, first, firstKey))).ReadAsync<BookingDto>(HttpStatusCode.Created);
        for (var i = 1; i < AbuseApi.ActiveHoldsPerEmail; i++)
        {
            await (await client.SendAsync(AbuseApi.HoldFrom(AbuseApi.NewClientAddress(), s, s.Guest(BookingScenario.SlotOnDay(3, 9 + i), email: email))))
                .ShouldBe(HttpStatusCode.Created);
        }

        var refused = await client.SendAsync(AbuseApi.HoldFrom(AbuseApi.NewClientAddress(), s, s.Guest(BookingScenario.SlotOnDay(3, 15), email: email)));
        var retried = await client.SendAsync(AbuseApi.HoldFrom(AbuseApi.NewClientAddress(), s, first, firstKey));
        var someoneElse = await client.SendAsync(AbuseApi.HoldFrom(AbuseApi.NewClientAddress(), s, s.Guest(BookingScenario.SlotOnDay(3, 15))));

        Assert.Equal("held", held.Status);
        var problem = await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        Assert.Equal("customer.email", problem.GetProperty("field").GetString());
        Assert.Equal(held.Id, (await retried.ReadAsync<BookingDto>(HttpStatusCode.Created)).Id);
        await someoneElse.ShouldBe(HttpStatusCode.Created);

        // Settled in person, the first hold no longer waits for payment: the email may hold again.
        await (await GuestProof.ProveAsync(client, held.Id, GuestProof.CodeFor(api.Services, held.Id, email))).ShouldBe(HttpStatusCode.OK);
        await (await s.Tenant.Owner.PostAsync(s.Tenant.Url($"/bookings/{held.Id}/confirm"), null)).ShouldBe(HttpStatusCode.OK);
        await (await client.SendAsync(AbuseApi.HoldFrom(AbuseApi.NewClientAddress(), s, s.Guest(BookingScenario.SlotOnDay(3, 16), email: email))))
            .ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_cap_is_set_per_business()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 100, priceMinor: 2500, slug: api.GenerousSlug);
        var client = api.CreateClient();
        var email = $"{Guid.NewGuid():N}@example.test";

        await (await client.SendAsync(AbuseApi.HoldFrom(AbuseApi.NewClientAddress(), s, s.Guest(BookingScenario.SlotOnDay(4, 9), email: email)))).ShouldBe(HttpStatusCode.Created);
        var second = await client.SendAsync(AbuseApi.HoldFrom(AbuseApi.NewClientAddress(), s, s.Guest(BookingScenario.SlotOnDay(4, 10), email: email)));

        await second.ShouldBeProblem(HttpStatusCode.TooManyRequests);
    }
}
