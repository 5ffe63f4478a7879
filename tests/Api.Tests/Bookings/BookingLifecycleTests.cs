using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingAws.Api.Features.Availability;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Infrastructure;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Domain.Tenants;
using BookingAws.Shared.Messaging;
using NodaTime;
using NodaTime.Testing;
using Npgsql;

namespace BookingAws.Api.Tests.Bookings;

[Collection(ApiCollection.Name)]
public sealed class BookingLifecycleTests(ApiFactory api)
{
    [Fact]
    public async Task A_paid_hold_is_held_with_an_expiry_and_writes_an_outbox_event()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 3, priceMinor: 2500);
        var start = BookingScenario.SlotOnDay(2, 9);

        var booking = await (await s.HoldAsync(api.CreateClient(), s.Guest(start, seats: 2))).ReadAsync<BookingDto>(HttpStatusCode.Created);

        Assert.Equal(BookingStatus.Held, booking.Status);
        Assert.Equal(5000, booking.AmountMinor);
        Assert.InRange(booking.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(9), DateTimeOffset.UtcNow.AddMinutes(11));
        // The guest is new to the business, so the hold also announces the customer (for webhooks).
        var outbox = await Ledger.OutboxAsync(api.Services, s.Tenant.Id);
        Assert.Equal([BookingHeld.WireName, CustomerCreated.WireName], outbox.Select(m => m.Type).Order());
        var evt = outbox.Single(m => m.Type == BookingHeld.WireName);
        Assert.Equal(booking.Id, JsonSerializer.Deserialize<BookingHeld>(evt.Payload, Outbox.Json)!.BookingId);
    }

    [Fact]
    public async Task A_free_package_confirms_as_soon_as_the_guest_enters_the_emailed_code()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 3, priceMinor: 0);

        var booking = await GuestProof.BookAsync(api, s, api.CreateClient(), s.Guest(BookingScenario.SlotOnDay(2, 9)));

        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        Assert.Null(booking.ExpiresAt);
        Assert.False(booking.AwaitingEmailProof);
        Assert.Equal(
            [BookingConfirmed.WireName, BookingHeld.WireName, CustomerCreated.WireName],
            (await Ledger.OutboxAsync(api.Services, s.Tenant.Id)).Select(m => m.Type).Order());
    }

    [Fact]
    public async Task Holds_that_do_not_fit_the_rules_are_refused_clearly()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 3, maxSeats: 2);
        var client = api.CreateClient();
        var start = BookingScenario.SlotOnDay(2, 9);

        await (await s.HoldAsync(client, s.Guest(start.AddMinutes(10)))).ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        await (await s.HoldAsync(client, s.Guest(start, seats: 3))).ShouldBeProblem(HttpStatusCode.BadRequest, "seats");
        await (await s.HoldAsync(client, s.Guest(start) with { PackageId = Guid.NewGuid() })).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await s.HoldAsync(client, s.Guest(start) with { Customer = null })).ShouldBeProblem(HttpStatusCode.BadRequest, "customer");
        await (await s.HoldAsync(client, s.Guest(start) with { Customer = new GuestDetails("X", "not-an-email") })).ShouldBeProblem(HttpStatusCode.BadRequest, "customer.email");
        await (await s.HoldAsync(client, s.Guest(DateTimeOffset.UtcNow.AddDays(200)))).ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        using var noKey = new HttpRequestMessage(HttpMethod.Post, s.Tenant.Url("/bookings")) { Content = JsonContent.Create(s.Guest(start), options: ApiFactory.Json) };
        await (await client.SendAsync(noKey)).ShouldBeProblem(HttpStatusCode.BadRequest, "Idempotency-Key");
        Assert.Empty(await Ledger.BookingsAsync(api.Services, s.Tenant.Id));
    }

    [Fact]
    public async Task The_same_idempotency_key_and_body_replays_and_a_different_body_is_422()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 3);
        var client = api.CreateClient();
        var request = s.Guest(BookingScenario.SlotOnDay(2, 9));
        var key = Guid.NewGuid().ToString();

        var first = await s.HoldAsync(client, request, key);
        var again = await s.HoldAsync(client, request, key);
        var different = await s.HoldAsync(client, request with { Seats = 2 }, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        await different.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Single(await Ledger.BookingsAsync(api.Services, s.Tenant.Id));
    }

    [Fact]
    public async Task Concurrent_retries_with_one_key_book_once()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 50);
        var client = api.CreateClient();
        var request = s.Guest(BookingScenario.SlotOnDay(2, 9));
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => s.HoldAsync(client, request, key)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(responses.Select(r => r.Content.ReadAsStringAsync().Result).Distinct());
        Assert.Single(await Ledger.BookingsAsync(api.Services, s.Tenant.Id));
    }

    [Fact]
    public async Task An_expired_hold_releases_its_capacity_to_the_next_customer()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1);
        var client = api.CreateClient();
        var start = BookingScenario.SlotOnDay(2, 9);
        var held = await (await s.HoldAsync(client, s.Guest(start))).ReadAsync<BookingDto>(HttpStatusCode.Created);
        await (await s.HoldAsync(client, s.Guest(start))).ShouldBeProblem(HttpStatusCode.Conflict);

        // The hold's time runs out (backdated: a sweep with a future clock would end other tests' holds too), then the sweep runs.
        await Ledger.BackdateHoldAsync(held.Id);
        using var sweeper = new BookingCoreAt(SystemClock.Instance);
        while (await sweeper.ExpireHolds.RunAsync(500, CancellationToken.None) > 0)
        {
        }

        var statuses = await Ledger.BookingsAsync(api.Services, s.Tenant.Id);
        Assert.Equal(BookingStatus.Expired, statuses.Single().Status);
        Assert.Contains(await Ledger.OutboxAsync(api.Services, s.Tenant.Id), m => m.Type == BookingExpired.WireName);
        await (await s.HoldAsync(client, s.Guest(start))).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_completed_booking_keeps_its_cleanup_buffer_until_the_buffer_has_passed()
    {
        var policy = new BookingPolicyDto(0, 90, 30, 0, 60, 10, 24, 24, RefundRule.FullBeforeWindow, 0);
        var s = await BookingScenario.CreateAsync(api, quantity: 1, priceMinor: 0, policy: policy);
        var start = BookingScenario.SlotOnDay(2, 10);
        await GuestProof.BookAsync(api, s, api.CreateClient(), s.Guest(start));

        // One minute after the 30-minute session ends, its hour of cleanup is still running.
        var clock = new FakeClock(Instant.FromDateTimeOffset(start.AddMinutes(31)));
        using var store = new BookingCoreAt(clock);

        // Held to this business by row-level security: the clock is ahead, and other tests' bookings share the database.
        using (DatabaseScope.Tenant(s.Tenant.Id))
        {
            while (await store.CompleteBookings.RunAsync(500, CancellationToken.None) > 0)
            {
            }
        }

        var inBuffer = await store.Hold.RunAsync(
            new HoldCommand(s.Tenant.Slug, s.PackageId, Instant.FromDateTimeOffset(start.AddMinutes(60)), 1, new BookingCustomer(null, "Late", "late@example.test"), Guid.NewGuid().ToString(), "x"),
            (_, _) => "{}",
            CancellationToken.None);

        Assert.Equal(BookingStatus.Completed, (await Ledger.BookingsAsync(api.Services, s.Tenant.Id)).Single().Status);
        Assert.IsType<HoldOutcome.NoCapacity>(inBuffer);
    }

    [Fact]
    public async Task Availability_counts_holds_and_rejects_ranges_that_are_too_long()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 3, maxSeats: 3);
        var start = BookingScenario.SlotOnDay(5, 14);
        var day = DateOnly.FromDateTime(start.UtcDateTime);
        await (await s.HoldAsync(api.CreateClient(), s.Guest(start, seats: 2))).ShouldBe(HttpStatusCode.Created);
        var anonymous = api.CreateClient();
        var url = s.Tenant.Url($"/packages/{s.PackageId}/availability?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}");

        // Availability reads the replica, so the new package and hold appear after replay: poll.
        var availability = await Eventually.Until(
            async () =>
            {
                var response = await anonymous.GetAsync(url);
                return response.IsSuccessStatusCode ? await response.ReadAsync<AvailabilityDto>() : null;
            },
            a => a?.Slots.Single(x => x.StartsAt == start).RemainingSeats == 1);

        Assert.NotNull(availability);
        Assert.Equal(1, availability.Slots.Single(x => x.StartsAt == start).RemainingSeats);
        Assert.Equal(3, availability.Slots.Single(x => x.StartsAt == start.AddHours(1)).RemainingSeats);
        Assert.Equal(47, availability.Slots.Count);
        await (await anonymous.GetAsync(s.Tenant.Url($"/packages/{s.PackageId}/availability?from={day:yyyy-MM-dd}&to={day.AddDays(62):yyyy-MM-dd}")))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "to");
        await (await anonymous.GetAsync(s.Tenant.Url($"/packages/{s.PackageId}/availability?from=9999-12-30&to=9999-12-31")))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "from");
    }

    [Fact]
    public async Task Customers_cancel_within_the_window_and_the_business_cancels_any_time()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1, priceMinor: 0);
        var customer = await api.AddUserAsync(s.Tenant, Roles.Customer);
        var soon = await (await s.HoldAsync(customer, s.Guest(BookingScenario.SlotAfter(TimeSpan.FromHours(3))) with { Customer = null }))
            .ReadAsync<BookingDto>(HttpStatusCode.Created);
        var later = await (await s.HoldAsync(customer, s.Guest(BookingScenario.SlotOnDay(3, 12)) with { Customer = null }))
            .ReadAsync<BookingDto>(HttpStatusCode.Created);

        await (await customer.PostAsJsonAsync($"/api/v1/bookings/{soon.Id}/cancel", new CancelRequest("changed my mind"), ApiFactory.Json))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        var cancelledByCustomer = await (await customer.PostAsJsonAsync($"/api/v1/bookings/{later.Id}/cancel", new CancelRequest(null), ApiFactory.Json))
            .ReadAsync<BookingDto>();
        var cancelledByBusiness = await (await s.Tenant.Owner.PostAsJsonAsync($"/api/v1/bookings/{soon.Id}/cancel", new CancelRequest("weather"), ApiFactory.Json))
            .ReadAsync<BookingDto>();

        Assert.Equal(BookingStatus.Cancelled, cancelledByCustomer.Status);
        Assert.Equal(BookingStatus.Cancelled, cancelledByBusiness.Status);
        await (await customer.PostAsJsonAsync($"/api/v1/bookings/{later.Id}/cancel", new CancelRequest(null), ApiFactory.Json)).ShouldBeProblem(HttpStatusCode.Conflict);
        await (await s.HoldAsync(api.CreateClient(), s.Guest(BookingScenario.SlotOnDay(3, 12)))).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Another_customer_cannot_see_or_cancel_my_booking()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 2, priceMinor: 0);
        var me = await api.AddUserAsync(s.Tenant, Roles.Customer);
        var someoneElse = await api.AddUserAsync(s.Tenant, Roles.Customer);
        var mine = await (await s.HoldAsync(me, s.Guest(BookingScenario.SlotOnDay(3, 12)) with { Customer = null })).ReadAsync<BookingDto>(HttpStatusCode.Created);

        await (await someoneElse.GetAsync($"/api/v1/bookings/{mine.Id}")).ShouldBe(HttpStatusCode.NotFound);
        await (await someoneElse.PostAsJsonAsync($"/api/v1/bookings/{mine.Id}/cancel", new CancelRequest(null), ApiFactory.Json)).ShouldBe(HttpStatusCode.NotFound);
        await (await (await api.CreateTenantAsync()).Owner.GetAsync($"/api/v1/bookings/{mine.Id}")).ShouldBe(HttpStatusCode.NotFound);
        await (await api.CreateClient().GetAsync($"/api/v1/bookings/{mine.Id}")).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Reschedule_moves_a_confirmed_booking_and_a_failure_leaves_it_untouched()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1, priceMinor: 0);
        var customer = await api.AddUserAsync(s.Tenant, Roles.Customer);
        var original = BookingScenario.SlotOnDay(4, 10);
        var booking = await (await s.HoldAsync(customer, s.Guest(original) with { Customer = null })).ReadAsync<BookingDto>(HttpStatusCode.Created);
        var blocker = BookingScenario.SlotOnDay(4, 15);
        await (await s.HoldAsync(api.CreateClient(), s.Guest(blocker))).ShouldBe(HttpStatusCode.Created);

        var moved = await (await customer.PostAsJsonAsync($"/api/v1/bookings/{booking.Id}/reschedule", new RescheduleRequest(original.AddMinutes(30)), ApiFactory.Json))
            .ReadAsync<BookingDto>();
        var full = await customer.PostAsJsonAsync($"/api/v1/bookings/{booking.Id}/reschedule", new RescheduleRequest(blocker), ApiFactory.Json);
        var notOffered = await customer.PostAsJsonAsync($"/api/v1/bookings/{booking.Id}/reschedule", new RescheduleRequest(original.AddMinutes(7)), ApiFactory.Json);
        var after = await (await customer.GetAsync($"/api/v1/bookings/{booking.Id}")).ReadAsync<BookingDto>();

        Assert.Equal(original.AddMinutes(30), moved.StartsAt);
        await full.ShouldBeProblem(HttpStatusCode.Conflict);
        await notOffered.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal((BookingStatus.Confirmed, original.AddMinutes(30)), (after.Status, after.StartsAt));
        Assert.Empty(await Ledger.OversoldAsync(api.Services, s.ItemId));

        // The old slot is free again; the new one is taken.
        await (await s.HoldAsync(api.CreateClient(), s.Guest(original))).ShouldBe(HttpStatusCode.Created);
        await (await s.HoldAsync(api.CreateClient(), s.Guest(original.AddMinutes(30)))).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Contains(await Ledger.OutboxAsync(api.Services, s.Tenant.Id), m => m.Type == BookingRescheduled.WireName);
    }

    [Fact]
    public async Task Customers_cannot_reschedule_inside_the_window()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1, priceMinor: 0);
        var customer = await api.AddUserAsync(s.Tenant, Roles.Customer);
        var soon = BookingScenario.SlotAfter(TimeSpan.FromHours(2));
        var booking = await (await s.HoldAsync(customer, s.Guest(soon) with { Customer = null })).ReadAsync<BookingDto>(HttpStatusCode.Created);

        var tooLate = await customer.PostAsJsonAsync($"/api/v1/bookings/{booking.Id}/reschedule", new RescheduleRequest(BookingScenario.SlotOnDay(5, 10)), ApiFactory.Json);
        var byBusiness = await s.Tenant.Owner.PostAsJsonAsync($"/api/v1/bookings/{booking.Id}/reschedule", new RescheduleRequest(BookingScenario.SlotOnDay(5, 10)), ApiFactory.Json);

        await tooLate.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        await byBusiness.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_business_confirms_in_person_and_lists_bookings_by_status_and_date()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 5, priceMinor: 1000);
        var day = BookingScenario.SlotOnDay(6, 9);
        var a = await GuestProof.BookAsync(api, s, api.CreateClient(), s.Guest(day));
        await (await s.HoldAsync(api.CreateClient(), s.Guest(day.AddHours(2)))).ShouldBe(HttpStatusCode.Created);
        await (await s.HoldAsync(api.CreateClient(), s.Guest(day.AddDays(1)))).ShouldBe(HttpStatusCode.Created);

        var confirmed = await (await s.Tenant.Owner.PostAsync(s.Tenant.Url($"/bookings/{a.Id}/confirm"), null)).ReadAsync<BookingDto>();
        var d = DateOnly.FromDateTime(day.UtcDateTime);
        var onDay = await (await s.Tenant.Owner.GetAsync(s.Tenant.Url($"/bookings?from={d:yyyy-MM-dd}&to={d:yyyy-MM-dd}"))).ReadAsync<PagedResult<BookingDto>>();
        var confirmedOnly = await (await s.Tenant.Owner.GetAsync(s.Tenant.Url("/bookings?status=confirmed"))).ReadAsync<PagedResult<BookingDto>>();

        Assert.Equal(BookingStatus.Confirmed, confirmed.Status);
        Assert.Equal(2, onDay.Total);
        Assert.Equal(a.Id, Assert.Single(confirmedOnly.Items).Id);
        await (await s.Tenant.Owner.GetAsync(s.Tenant.Url("/bookings?status=lost"))).ShouldBeProblem(HttpStatusCode.BadRequest, "status");
        await (await s.Tenant.Owner.PostAsync(s.Tenant.Url($"/bookings/{a.Id}/confirm"), null)).ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_customer_reads_their_new_booking_even_while_the_replica_is_paused()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 2, priceMinor: 0);
        var customer = await api.AddUserAsync(s.Tenant, Roles.Customer);
        await using var replica = NpgsqlDataSource.Create(PlatformDatabase.OwnerOnReplica);
        await using (var pause = replica.CreateCommand("SELECT pg_wal_replay_pause()"))
        {
            await pause.ExecuteNonQueryAsync();
        }

        try
        {
            var created = await (await s.HoldAsync(customer, s.Guest(BookingScenario.SlotOnDay(3, 11)) with { Customer = null })).ReadAsync<BookingDto>(HttpStatusCode.Created);

            var read = await (await customer.GetAsync($"/api/v1/bookings/{created.Id}")).ReadAsync<BookingDto>();
            var mine = await (await customer.GetAsync("/api/v1/me/bookings")).ReadAsync<PagedResult<BookingDto>>();

            Assert.Equal(created.Id, read.Id);
            Assert.Contains(mine.Items, b => b.Id == created.Id);
            await using var check = replica.CreateCommand("SELECT count(*) FROM bookings WHERE id = $1");
            check.Parameters.AddWithValue(created.Id);
            Assert.Equal(0L, await check.ExecuteScalarAsync());
        }
        finally
        {
            await using var resume = replica.CreateCommand("SELECT pg_wal_replay_resume()");
            await resume.ExecuteNonQueryAsync();
        }
    }
}
