using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Waitlists;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Staff;

namespace BookingAws.Api.Tests.Waitlists;

/// <summary>
/// Who is waiting, as the business's staff read it: every entry of the slots in a range, in line order, with the
/// customer, the place in line and what became of an offer; another business sees none of it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class WaitlistListTests(ApiFactory api)
{
    [Fact]
    public async Task Staff_see_who_waits_for_each_slot_in_line_order_and_what_became_of_an_offer()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1, priceMinor: 0);
        var client = api.CreateClient();
        var start = BookingScenario.SlotOnDay(4, 10);
        var later = BookingScenario.SlotOnDay(5, 12);
        var taken = await (await s.HoldAsync(client, s.Guest(start))).ReadAsync<BookingDto>(HttpStatusCode.Created);
        await (await s.HoldAsync(client, s.Guest(later))).ShouldBe(HttpStatusCode.Created);
        var ada = await JoinAsync(client, s, start, "ada@example.test");
        var grace = await JoinAsync(client, s, start, "grace@example.test", seats: 1);
        var alan = await JoinAsync(client, s, later, "alan@example.test");
        var gone = await JoinAsync(client, s, later, "gone@example.test");
        await (await WaitlistApi.LeaveAsync(client, gone.Id, gone.Token!)).ShouldBe(HttpStatusCode.OK);

        // The booking ahead of them is cancelled: Ada, first in line, is offered the seat; Grace moves up.
        await (await s.Tenant.Owner.PostAsJsonAsync($"/api/v1/bookings/{taken.Id}/cancel", new CancelRequest(null))).ShouldBe(HttpStatusCode.OK);
        var staff = await api.AddUserAsync(s.Tenant, Roles.Staff);
        var (from, to) = (Day(start), Day(later));
        var list = await ListedAsync(staff, s, from, to, l => l.Count == 4 && l[0].Status == "offered" && l[3].Status == "left");

        Assert.Equal([ada.Id, grace.Id, alan.Id, gone.Id], list.Select(e => e.Id));
        var offered = list[0];
        Assert.Equal(("offered", 0, "ada@example.test", "Waiting guest", "Paddle"), (offered.Status, offered.Position, offered.CustomerEmail, offered.CustomerName, offered.PackageName));
        Assert.NotNull(offered.BookingId);
        Assert.True(offered.OfferExpiresAt > DateTimeOffset.UtcNow, $"the offer is held until a future instant (got {offered.OfferExpiresAt})");
        Assert.Equal(("waiting", 1, 1, start), (list[1].Status, list[1].Position, list[1].Seats, list[1].StartsAt));
        Assert.Null(list[1].OfferExpiresAt);
        Assert.Equal(("waiting", 1, later), (list[2].Status, list[2].Position, list[2].StartsAt));
        Assert.Equal(("left", 0), (list[3].Status, list[3].Position));

        // Ada enters the code from the offer email: the free booking is confirmed, and the list says she accepted.
        var code = GuestProof.CodeFor(api.Services, offered.BookingId!.Value, "ada@example.test");
        await (await GuestProof.ProveAsync(client, offered.BookingId.Value, code)).ShouldBe(HttpStatusCode.OK);
        var accepted = (await ListedAsync(staff, s, from, to, l => l.Count > 0 && l[0].Status == "accepted"))[0];
        Assert.Equal(("accepted", (DateTimeOffset?)null), (accepted.Status, accepted.OfferExpiresAt));

        // A range of the later day alone lists that day's slot only; another business's staff get 404.
        Assert.Equal([alan.Id, gone.Id], (await ListedAsync(staff, s, to, to, l => l.Count == 2)).Select(e => e.Id));
        var stranger = (await api.CreateTenantAsync()).Owner;
        await (await stranger.GetAsync(s.Tenant.Url($"/waitlist?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}"))).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_range_that_runs_backwards_or_too_long_is_refused_naming_to_and_no_range_means_the_next_two_weeks()
    {
        var t = await api.CreateTenantAsync();

        await (await t.Owner.GetAsync(t.Url("/waitlist?from=2030-01-10&to=2030-01-09"))).ShouldBeProblem(HttpStatusCode.BadRequest, "to");
        await (await t.Owner.GetAsync(t.Url("/waitlist?from=2030-01-01&to=2030-03-15"))).ShouldBeProblem(HttpStatusCode.BadRequest, "to");
        Assert.Empty(await (await t.Owner.GetAsync(t.Url("/waitlist"))).ReadAsync<List<BusinessWaitlistEntryDto>>());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_list_of_who_waits()
    {
        var doc = await (await api.CreateClient().GetAsync("/openapi/v1.json")).ReadAsync<JsonElement>();

        var path = doc.GetProperty("paths").GetProperty("/api/v1/tenants/{slug}/waitlist");
        Assert.Equal("ListWaitlist", path.GetProperty("get").GetProperty("operationId").GetString());
        Assert.Equal("JoinWaitlist", path.GetProperty("post").GetProperty("operationId").GetString());
    }

    private static DateOnly Day(DateTimeOffset instant) => DateOnly.FromDateTime(instant.UtcDateTime);

    private static async Task<WaitlistEntryDto> JoinAsync(HttpClient client, BookingScenario s, DateTimeOffset start, string email, int seats = 1) =>
        await (await WaitlistApi.JoinAsync(client, s, start, email, seats)).ReadAsync<WaitlistEntryDto>(HttpStatusCode.Created);

    /// <summary>The list once it reads as <paramref name="settled"/>: staff read the replica, a moment behind the writes.</summary>
    private static Task<List<BusinessWaitlistEntryDto>> ListedAsync(
        HttpClient staff, BookingScenario s, DateOnly from, DateOnly to, Func<List<BusinessWaitlistEntryDto>, bool> settled) =>
        Eventually.Until(
            async () => await (await staff.GetAsync(s.Tenant.Url($"/waitlist?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}"))).ReadAsync<List<BusinessWaitlistEntryDto>>(),
            settled);
}
