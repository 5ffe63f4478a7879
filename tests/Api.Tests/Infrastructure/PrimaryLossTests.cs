using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingAws.Api.Tests.Bookings;

namespace BookingAws.Api.Tests.Infrastructure;

public sealed class PrimaryLossTests : IClassFixture<ApiOverCuttablePrimary>
{
    private readonly ApiOverCuttablePrimary api;

    public PrimaryLossTests(ApiOverCuttablePrimary api) => this.api = api;

    [Fact]
    public async Task A_lost_writer_answers_503_with_retry_after_and_once_it_is_back_the_next_writes_succeed_on_fresh_connections()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 20, priceMinor: 0);
        var owner = s.Tenant.Owner;

        // Several writes at once, so the pool holds several connections that the cut leaves dead.
        var before = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => s.HoldAsync(owner, s.Guest(BookingScenario.SlotOnDay(3, 9 + i)))));
        Assert.All(before, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));

        api.Proxy.Refuse = true;
        api.Proxy.DropAll();
        var during = await s.HoldAsync(owner, s.Guest(BookingScenario.SlotOnDay(4, 9)), key: "during-the-cut");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), during.Headers.RetryAfter?.Delta);
        var problem = await during.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(503, problem.GetProperty("status").GetInt32());

        // Another customer's write in the outage finds no writer either (by now the driver has seen both host names fail).
        await (await s.HoldAsync(owner, s.Guest(BookingScenario.SlotOnDay(4, 10)))).ShouldBeProblem(HttpStatusCode.ServiceUnavailable);

        // The writer is back (promoted, in AWS). A client that waits as Retry-After asks finds it (Npgsql skips a host it
        // saw fail only for a second here, not its default ten), and no later write trips over a dead pooled connection.
        api.Proxy.Refuse = false;
        await Task.Delay(during.Headers.RetryAfter!.Delta!.Value);
        var retried = await s.HoldAsync(owner, s.Guest(BookingScenario.SlotOnDay(4, 9)), key: "during-the-cut");
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        var after = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => s.HoldAsync(owner, s.Guest(BookingScenario.SlotOnDay(5, 9 + i)))));
        Assert.All(after, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
    }
}
