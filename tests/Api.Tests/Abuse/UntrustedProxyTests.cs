using System.Net;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;

namespace BookingAws.Api.Tests.Abuse;

/// <summary>The API as deployed: only the load balancer's network may say who the client is, and loopback is not it.</summary>
public sealed class AbuseApiWithoutTrustedProxy : AbuseApi
{
    protected override string TrustedNetwork => "10.40.0.0/16";
}

public sealed class UntrustedProxyTests(AbuseApiWithoutTrustedProxy api) : IClassFixture<AbuseApiWithoutTrustedProxy>
{
    [Fact]
    public async Task A_client_that_writes_its_own_x_forwarded_for_is_still_counted_as_itself()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 100, priceMinor: 0);
        var client = api.CreateClient();
        for (var i = 0; i < AbuseApi.HoldsPerIp; i++)
        {
            await (await client.SendAsync(AbuseApi.HoldFrom(AbuseApi.NewClientAddress(), s, s.Guest(BookingScenario.SlotOnDay(3, 9 + i))))).ShouldBe(HttpStatusCode.Created);
        }

        var refused = await client.SendAsync(AbuseApi.HoldFrom(AbuseApi.NewClientAddress(), s, s.Guest(BookingScenario.SlotOnDay(3, 15))));

        await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests);
    }
}
