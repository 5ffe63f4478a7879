using System.Net;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Api.Tests.Bookings;

/// <summary>
/// A hold wakes the outbox relay by the API's own NOTIFY after its commit (the trigger stands aside for it; the
/// Workers' OutboxNotifyTests prove the skip and that this NOTIFY wakes a relay). Without it a hold's confirmation
/// email and availability push would wait for the relay's poll.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HoldOutboxWakeTests(ApiFactory api)
{
    [Fact]
    public async Task A_hold_is_followed_by_a_notify_from_the_api_after_its_commit()
    {
        var scenario = await BookingScenario.CreateAsync(api, quantity: 5);
        var waker = api.Services.GetRequiredService<OutboxWaker>();
        var client = api.CreateClient();

        var before = waker.Sent;
        using (var response = await scenario.HoldAsync(client, scenario.Guest(BookingScenario.SlotOnDay(3, 10))))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        await Eventually.Until(() => Task.FromResult(waker.Sent), sent => sent > before);
        Assert.True(waker.Sent > before, "the hold's commit was followed by a NOTIFY");
    }
}
