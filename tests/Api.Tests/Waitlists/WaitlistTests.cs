using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Inventory;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;
using BookingAws.Shared.Domain.Waitlists;
using BookingAws.Shared.Messaging;
using NodaTime;

namespace BookingAws.Api.Tests.Waitlists;

/// <summary>
/// Waiting lists over HTTP against the real database: who may join, leaving, and every way seats come free
/// (cancellation, an offer left unanswered, a move to another time, a raised quantity) offering them to the first in
/// line, as a held booking for the business's offer minutes that nobody else can take.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class WaitlistTests(ApiFactory api)
{
    [Fact]
    public async Task Only_a_full_slot_can_be_joined_once_per_email_and_leaving_moves_the_line_up()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1);
        var client = api.CreateClient();
        var start = BookingScenario.SlotOnDay(3, 10);
        await (await s.HoldAsync(client, s.Guest(start))).ShouldBe(HttpStatusCode.Created);

        var roomy = await WaitlistApi.JoinAsync(client, s, start.AddHours(1), "early@example.test");
        var tooMany = await WaitlistApi.JoinAsync(client, s, start, "early@example.test", seats: 11);
        var notOffered = await WaitlistApi.JoinAsync(client, s, start.AddMinutes(10), "early@example.test");
        var first = await WaitlistApi.JoinedAsync(client, s, start);
        var second = await (await WaitlistApi.JoinAsync(client, s, start, "Second@Example.test")).ReadAsync<Features.Waitlists.WaitlistEntryDto>(HttpStatusCode.Created);
        var again = await WaitlistApi.JoinAsync(client, s, start, "second@example.test");

        Assert.Equal("startsAt", (await roomy.ShouldBeProblem(HttpStatusCode.Conflict)).GetProperty("field").GetString());
        await tooMany.ShouldBeProblem(HttpStatusCode.BadRequest, "seats");
        Assert.Equal("startsAt", (await notOffered.ShouldBeProblem(HttpStatusCode.UnprocessableEntity)).GetProperty("field").GetString());
        Assert.Equal((WaitlistStatus.Waiting, 1), (first.Status, first.Position));
        Assert.Equal((WaitlistStatus.Waiting, 2), (second.Status, second.Position));
        Assert.Equal("customer.email", (await again.ShouldBeProblem(HttpStatusCode.Conflict)).GetProperty("field").GetString());

        // The token opens its own entry only; a wrong one is the same 404 as no entry.
        await (await WaitlistApi.GetAsync(client, second.Id, first.Token!)).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await WaitlistApi.LeaveAsync(client, second.Id, first.Token!)).ShouldBeProblem(HttpStatusCode.NotFound);

        var left = await (await WaitlistApi.LeaveAsync(client, first.Id, first.Token!)).ReadAsync<Features.Waitlists.WaitlistEntryDto>();
        Assert.Equal((WaitlistStatus.Left, 0), (left.Status, left.Position));
        Assert.Equal(1, (await WaitlistApi.EntryAsync(client, second)).Position);
        await (await WaitlistApi.LeaveAsync(client, first.Id, first.Token!)).ShouldBeProblem(HttpStatusCode.Conflict);

        // While it waits, an address cannot join twice; having left, it may join again, at the back of the line.
        var rejoined = await (await WaitlistApi.JoinAsync(client, s, start, "second@example.test")).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal("customer.email", rejoined.GetProperty("field").GetString());
        await (await WaitlistApi.LeaveAsync(client, second.Id, second.Token!)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(1, (await (await WaitlistApi.JoinAsync(client, s, start, "second@example.test")).ReadAsync<Features.Waitlists.WaitlistEntryDto>(HttpStatusCode.Created)).Position);
    }

    [Fact]
    public async Task A_slot_with_a_party_waiting_refuses_newcomers_holds_until_the_party_leaves()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 2);
        var client = api.CreateClient();
        var start = BookingScenario.SlotOnDay(3, 15);
        await (await s.HoldAsync(client, s.Guest(start))).ShouldBe(HttpStatusCode.Created);

        // One seat is free, too few for a party of two: they may wait, and from then on the seat is theirs when the next frees.
        var party = await WaitlistApi.JoinedAsync(client, s, start, seats: 2);
        var newcomer = await (await s.HoldAsync(api.CreateClient(), s.Guest(start))).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal("startsAt", newcomer.GetProperty("field").GetString());

        // The portal is told the same: the slot shows no seats and a waiting list, not a seat every hold is refused.
        Assert.Equal((0, true), await SlotAsync(s, start, slot => slot.Waitlist));

        await (await WaitlistApi.LeaveAsync(client, party.Id, party.Token!)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal((1, false), await SlotAsync(s, start, slot => !slot.Waitlist));
        await (await s.HoldAsync(api.CreateClient(), s.Guest(start))).ShouldBe(HttpStatusCode.Created);
    }

    /// <summary>The public availability of <paramref name="start"/>'s slot once it reads as <paramref name="settled"/> (replica, cache).</summary>
    private async Task<(int RemainingSeats, bool Waitlist)> SlotAsync(BookingScenario s, DateTimeOffset start, Func<Features.Availability.SlotDto, bool> settled)
    {
        var day = DateOnly.FromDateTime(start.DateTime);
        var slot = await Eventually.Until(
            async () =>
            {
                // A package made a moment ago may not have reached the replica yet (404 until it has).
                var response = await api.CreateClient().GetAsync(s.Tenant.Url($"/packages/{s.PackageId}/availability?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}"));
                return response.StatusCode == HttpStatusCode.NotFound ? null
                    : (await response.ReadAsync<Features.Availability.AvailabilityDto>()).Slots.Single(x => x.StartsAt == start);
            },
            slot => slot is not null && settled(slot));
        return (slot!.RemainingSeats, slot.Waitlist);
    }

    [Fact]
    public async Task A_policy_saved_by_a_client_that_does_not_know_the_offer_minutes_keeps_them()
    {
        var t = await api.CreateTenantAsync();
        var policy = new BookingPolicyDto(0, 90, 30, 0, 0, 10, 24, 24, RefundRule.FullBeforeWindow, 0, WaitlistOfferMinutes: 45);
        await (await t.Owner.PutAsJsonAsync(t.Url("/policy"), policy, ApiFactory.Json)).ShouldBe(HttpStatusCode.OK);

        var older = new { leadTimeMinutes = 0, horizonDays = 60, slotStepMinutes = 30, bufferBeforeMinutes = 0, bufferAfterMinutes = 0, holdMinutes = 10, rescheduleWindowHours = 24, cancellationWindowHours = 24, refundRule = "FullBeforeWindow", lateRefundPercent = 0 };
        var saved = await (await t.Owner.PutAsJsonAsync(t.Url("/policy"), older, ApiFactory.Json)).ReadAsync<BookingPolicyDto>();
        Assert.Equal((60, 45), (saved.HorizonDays, saved.WaitlistOfferMinutes));
    }

    [Fact]
    public async Task The_openapi_document_lists_the_waiting_list_endpoints()
    {
        var doc = await (await api.CreateClient().GetAsync("/openapi/v1.json")).ReadAsync<System.Text.Json.JsonElement>();

        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/tenants/{slug}/waitlist", paths);
        Assert.Contains("/api/v1/waitlist/{id}", paths);
        Assert.Contains("/api/v1/waitlist/{id}/leave", paths);
    }

    [Fact]
    public async Task A_cancellation_holds_the_seat_for_the_first_in_line_for_the_offer_minutes_and_nobody_else_can_take_it()
    {
        var policy = new BookingPolicyDto(0, 90, 30, 0, 0, 10, 24, 24, RefundRule.FullBeforeWindow, 0, WaitlistOfferMinutes: 45);
        var s = await BookingScenario.CreateAsync(api, quantity: 1, policy: policy);
        var client = api.CreateClient();
        var start = BookingScenario.SlotOnDay(3, 11);
        var taken = await (await s.HoldAsync(client, s.Guest(start))).ReadAsync<BookingDto>(HttpStatusCode.Created);
        var first = await WaitlistApi.JoinedAsync(client, s, start);
        var second = await WaitlistApi.JoinedAsync(client, s, start);

        await (await s.Tenant.Owner.PostAsJsonAsync($"/api/v1/bookings/{taken.Id}/cancel", new CancelRequest("double booked"))).ShouldBe(HttpStatusCode.OK);

        var offered = await WaitlistApi.EntryAsync(client, first);
        Assert.Equal((WaitlistStatus.Offered, 0), (offered.Status, offered.Position));
        var offer = await WaitlistApi.OfferAsync(client, offered);
        Assert.Equal(BookingStatus.Held, offer.Booking.Status);
        Assert.Equal(start, offer.Booking.StartsAt);
        Assert.Equal(TimeSpan.FromMinutes(45), offer.Booking.ExpiresAt - offer.Booking.CreatedAt);
        Assert.Equal(1, (await WaitlistApi.EntryAsync(client, second)).Position);

        // The seat is the offer's: a newcomer's hold is refused, and so is one at a slot people wait for.
        var newcomer = await s.HoldAsync(api.CreateClient(), s.Guest(start));
        await newcomer.ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Empty(await Ledger.OversoldAsync(api.Services, s.ItemId));
        var outbox = await Ledger.OutboxAsync(api.Services, s.Tenant.Id);
        Assert.Single(outbox, m => m.Type == WaitlistOfferMade.WireName);

        // The guest proves the address with the code from the offer email, as for any guest hold: now payable.
        var email = await Ledger.ScalarAsync("SELECT count(*) FROM bookings WHERE id = $1 AND email_proof = 'pending'", offered.BookingId!.Value);
        Assert.Equal(1, email);
    }

    [Fact]
    public async Task An_offer_left_unanswered_passes_to_the_next_in_line_when_it_lapses()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1);
        var client = api.CreateClient();
        var start = BookingScenario.SlotOnDay(4, 9);
        var taken = await (await s.HoldAsync(client, s.Guest(start))).ReadAsync<BookingDto>(HttpStatusCode.Created);
        var first = await WaitlistApi.JoinedAsync(client, s, start);
        var second = await WaitlistApi.JoinedAsync(client, s, start);
        await (await s.Tenant.Owner.PostAsJsonAsync($"/api/v1/bookings/{taken.Id}/cancel", new CancelRequest(null))).ShouldBe(HttpStatusCode.OK);
        var firstOffered = await WaitlistApi.EntryAsync(client, first);
        var firstOffer = await WaitlistApi.OfferAsync(client, firstOffered);

        // The offer's time runs out (its hold backdated; a sweep with a clock in the future would also expire other
        // tests' holds in the shared database), then the workers' sweep runs.
        await Ledger.BackdateHoldAsync(firstOffered.BookingId!.Value);
        using var sweeper = new BookingCoreAt(SystemClock.Instance);
        while (await sweeper.ExpireHolds.RunAsync(500, CancellationToken.None) > 0)
        {
        }

        var firstAfter = await WaitlistApi.EntryAsync(client, first);
        Assert.Equal(BookingStatus.Expired, (await WaitlistApi.OfferAsync(client, firstAfter)).Booking.Status);
        var secondAfter = await WaitlistApi.EntryAsync(client, second);
        Assert.Equal(WaitlistStatus.Offered, secondAfter.Status);
        Assert.NotEqual(firstAfter.BookingId, secondAfter.BookingId);
        Assert.Equal(BookingStatus.Held, (await WaitlistApi.OfferAsync(client, secondAfter)).Booking.Status);
        Assert.Equal(2, (await Ledger.OutboxAsync(api.Services, s.Tenant.Id)).Count(m => m.Type == WaitlistOfferMade.WireName));
        Assert.Empty(await Ledger.OversoldAsync(api.Services, s.ItemId));
    }

    [Fact]
    public async Task Moving_a_booking_away_offers_its_old_time_to_those_waiting_for_it()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1, priceMinor: 0);
        var client = api.CreateClient();
        var start = BookingScenario.SlotOnDay(5, 10);
        var booked = await GuestProof.BookAsync(api, s, client, s.Guest(start));
        Assert.Equal(BookingStatus.Confirmed, booked.Status);
        var waiting = await WaitlistApi.JoinedAsync(client, s, start);

        await (await s.Tenant.Owner.PostAsJsonAsync($"/api/v1/bookings/{booked.Id}/reschedule", new RescheduleRequest(start.AddHours(2)))).ShouldBe(HttpStatusCode.OK);

        var offered = await WaitlistApi.EntryAsync(client, waiting);
        Assert.Equal(WaitlistStatus.Offered, offered.Status);

        // A guest's offer of a free package still waits for the address to be proven: held, not yet confirmed.
        Assert.Equal(BookingStatus.Held, (await WaitlistApi.OfferAsync(client, offered)).Booking.Status);
        Assert.Empty(await Ledger.OversoldAsync(api.Services, s.ItemId));
    }

    [Fact]
    public async Task Raising_the_quantity_offers_the_new_seats_in_join_order_and_a_party_that_does_not_fit_keeps_its_place()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1);
        var client = api.CreateClient();
        var start = BookingScenario.SlotOnDay(6, 14);
        await (await s.HoldAsync(client, s.Guest(start))).ShouldBe(HttpStatusCode.Created);
        var one = await WaitlistApi.JoinedAsync(client, s, start);
        var three = await WaitlistApi.JoinedAsync(client, s, start, seats: 3);
        var alsoOne = await WaitlistApi.JoinedAsync(client, s, start);

        await (await s.Tenant.Owner.PutAsJsonAsync(s.Tenant.Url($"/inventory/{s.ItemId}"), new InventoryItemRequest("Kayak", 3), ApiFactory.Json)).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(WaitlistStatus.Offered, (await WaitlistApi.EntryAsync(client, one)).Status);
        Assert.Equal((WaitlistStatus.Waiting, 1), ((await WaitlistApi.EntryAsync(client, three)).Status, (await WaitlistApi.EntryAsync(client, three)).Position));
        Assert.Equal((WaitlistStatus.Waiting, 2), ((await WaitlistApi.EntryAsync(client, alsoOne)).Status, (await WaitlistApi.EntryAsync(client, alsoOne)).Position));

        // One seat is free but the party of three is first: it stays free for them, not for a newcomer.
        var newcomer = await (await s.HoldAsync(client, s.Guest(start))).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal("startsAt", newcomer.GetProperty("field").GetString());

        await (await s.Tenant.Owner.PutAsJsonAsync(s.Tenant.Url($"/inventory/{s.ItemId}"), new InventoryItemRequest("Kayak", 5), ApiFactory.Json)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(WaitlistStatus.Offered, (await WaitlistApi.EntryAsync(client, three)).Status);
        Assert.Equal((WaitlistStatus.Waiting, 1), ((await WaitlistApi.EntryAsync(client, alsoOne)).Status, (await WaitlistApi.EntryAsync(client, alsoOne)).Position));
        Assert.Empty(await Ledger.OversoldAsync(api.Services, s.ItemId));
    }
}
