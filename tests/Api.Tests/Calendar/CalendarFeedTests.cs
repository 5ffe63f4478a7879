using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Calendar;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Staff;

namespace BookingAws.Api.Tests.Calendar;

/// <summary>The business's private calendar feed, read as a staff member's calendar app would: by URL, without signing in.</summary>
[Collection(ApiCollection.Name)]
public sealed class CalendarFeedTests(ApiFactory api)
{
    [Fact]
    public async Task The_feed_follows_a_booking_through_a_move_and_a_cancellation_with_a_higher_sequence_each_time()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 2, priceMinor: 0);
        var customer = await api.AddUserAsync(s.Tenant, Roles.Customer);
        var start = BookingScenario.SlotOnDay(3, 10);
        var booking = await (await s.HoldAsync(customer, s.Guest(start) with { Customer = null })).ReadAsync<BookingDto>(HttpStatusCode.Created);
        var feed = await (await s.Tenant.Owner.PostAsync(s.Tenant.Url("/calendar-feed"), null)).ReadAsync<CalendarFeedResponse>(HttpStatusCode.Created);

        var first = Assert.Single((await ReadFeedAsync(feed.Url)).Events);
        Assert.Equal(($"{booking.Id:D}@bookingaws", 0, start.UtcDateTime), (first.Uid, first.Sequence, first.DtStart!.AsUtc));
        Assert.Contains("Paddle", first.Summary, StringComparison.Ordinal);

        await (await customer.PostAsJsonAsync($"/api/v1/bookings/{booking.Id}/reschedule", new RescheduleRequest(start.AddHours(1)), ApiFactory.Json)).ShouldBe(HttpStatusCode.OK);
        var moved = Assert.Single((await ReadFeedAsync(feed.Url)).Events);
        Assert.Equal((first.Uid, 1, start.AddHours(1).UtcDateTime), (moved.Uid, moved.Sequence, moved.DtStart!.AsUtc));

        await (await customer.PostAsJsonAsync($"/api/v1/bookings/{booking.Id}/cancel", new CancelRequest(null), ApiFactory.Json)).ShouldBe(HttpStatusCode.OK);
        Assert.Empty((await ReadFeedAsync(feed.Url)).Events);
        Assert.Equal(2, await Ledger.ScalarAsync("SELECT calendar_sequence FROM bookings WHERE id = $1", booking.Id));
    }

    [Fact]
    public async Task Only_the_owner_makes_the_feed_a_new_one_retires_the_old_address_and_it_shows_no_other_business()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 2, priceMinor: 0);
        var other = await BookingScenario.CreateAsync(api, quantity: 2, priceMinor: 0);
        await (await other.HoldAsync(await api.AddUserAsync(other.Tenant, Roles.Customer), other.Guest(BookingScenario.SlotOnDay(2, 9)) with { Customer = null }))
            .ShouldBe(HttpStatusCode.Created);
        var staff = await api.AddUserAsync(s.Tenant, Roles.Staff);

        await (await staff.PostAsync(s.Tenant.Url("/calendar-feed"), null)).ShouldBe(HttpStatusCode.Forbidden);
        var old = await (await s.Tenant.Owner.PostAsync(s.Tenant.Url("/calendar-feed"), null)).ReadAsync<CalendarFeedResponse>(HttpStatusCode.Created);
        var current = await (await s.Tenant.Owner.PostAsync(s.Tenant.Url("/calendar-feed"), null)).ReadAsync<CalendarFeedResponse>(HttpStatusCode.Created);

        var anonymous = api.CreateClient();
        await (await anonymous.GetAsync(old.Url)).ShouldBe(HttpStatusCode.NotFound);
        var response = await anonymous.GetAsync(current.Url);
        await response.ShouldBe(HttpStatusCode.OK);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal((true, TimeSpan.FromMinutes(5)), (response.Headers.CacheControl!.Private, response.Headers.CacheControl.MaxAge));
        Assert.Empty(Ical.Net.Calendar.Load(await response.Content.ReadAsStringAsync())!.Events);

        await (await s.Tenant.Owner.DeleteAsync(s.Tenant.Url("/calendar-feed"))).ShouldBe(HttpStatusCode.NoContent);
        await (await anonymous.GetAsync(current.Url)).ShouldBe(HttpStatusCode.NotFound);
        await (await anonymous.GetAsync(new Uri(current.Url, "/api/v1/calendar-feeds/not-a-feed-at-all-0123456789.ics"))).ShouldBe(HttpStatusCode.NotFound);
    }

    private async Task<Ical.Net.Calendar> ReadFeedAsync(Uri url)
    {
        var response = await api.CreateClient().GetAsync(url);
        await response.ShouldBe(HttpStatusCode.OK);
        return Ical.Net.Calendar.Load(await response.Content.ReadAsStringAsync())!;
    }
}
