using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Bookings;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Api.Tests.Bookings;

[Collection(ApiCollection.Name)]
public sealed partial class ManageLinkTests(ApiFactory api)
{
    [Fact]
    public async Task A_guest_with_the_emailed_link_sees_reschedules_and_cancels_that_booking_and_no_other()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 2, priceMinor: 0);
        var anonymous = api.CreateClient();
        var mine = await GuestProof.BookAsync(api, s, anonymous, s.Guest(BookingScenario.SlotOnDay(6, 10)));
        var theirs = await GuestProof.BookAsync(api, s, anonymous, s.Guest(BookingScenario.SlotOnDay(6, 11)));
        var links = api.Services.GetRequiredService<BookingLinks>();
        var token = links.TokenFor(mine.Id);

        var seen = await (await Send(HttpMethod.Get, mine.Id, token)).ReadAsync<ManagedBookingDto>(HttpStatusCode.OK);
        Assert.Equal((BookingReference.For(mine.Id), "confirmed", s.Tenant.Slug, "Paddle"), (seen.Booking.Reference, seen.Booking.Status, seen.BusinessSlug, seen.PackageName));
        Assert.Equal(mine.StartsAt.AddHours(-24), seen.CancelUntil);
        Assert.Equal((mine.StartsAt.AddHours(-24), mine.StartsAt.AddHours(-24)), (seen.Booking.CancellableUntil, seen.Booking.ReschedulableUntil));

        // My token opens nothing else; a made-up token opens nothing; both look like a missing booking.
        await (await Send(HttpMethod.Get, theirs.Id, token)).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await Send(HttpMethod.Get, mine.Id, token[..^2] + "xx")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await Send(HttpMethod.Get, mine.Id, null)).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await Send(HttpMethod.Post, theirs.Id, token, "/cancel", new CancelRequest(null))).ShouldBeProblem(HttpStatusCode.NotFound);

        var moved = await (await Send(HttpMethod.Post, mine.Id, token, "/reschedule", new RescheduleRequest(BookingScenario.SlotOnDay(7, 9))))
            .ReadAsync<ManagedBookingDto>(HttpStatusCode.OK);
        Assert.Equal(BookingScenario.SlotOnDay(7, 9), moved.Booking.StartsAt);

        var cancelled = await (await Send(HttpMethod.Post, mine.Id, token, "/cancel", new CancelRequest("plans changed")))
            .ReadAsync<ManagedBookingDto>(HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.Booking.Status);
        Assert.Equal((null, null), (cancelled.Booking.CancellableUntil, cancelled.Booking.ReschedulableUntil));
        await (await Send(HttpMethod.Post, mine.Id, token, "/cancel", new CancelRequest(null))).ShouldBeProblem(HttpStatusCode.Conflict);

        // The other booking is untouched (read through its own link: the primary, so replica lag cannot hide it).
        var other = await (await Send(HttpMethod.Get, theirs.Id, links.TokenFor(theirs.Id))).ReadAsync<ManagedBookingDto>(HttpStatusCode.OK);
        Assert.Equal("confirmed", other.Booking.Status);
    }

    [Fact]
    public async Task The_link_keeps_to_the_business_policy_windows()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1, priceMinor: 0);
        var soon = await GuestProof.BookAsync(api, s, api.CreateClient(), s.Guest(BookingScenario.SlotAfter(TimeSpan.FromHours(2))));
        var token = api.Services.GetRequiredService<BookingLinks>().TokenFor(soon.Id);

        await (await Send(HttpMethod.Post, soon.Id, token, "/cancel", new CancelRequest(null))).ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        await (await Send(HttpMethod.Post, soon.Id, token, "/reschedule", new RescheduleRequest(BookingScenario.SlotOnDay(5, 10))))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task The_page_the_link_opens_carries_no_internal_ids_and_offers_times_of_the_booked_service()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1, priceMinor: 1500);
        var held = await GuestProof.BookAsync(api, s, api.CreateClient(), s.Guest(BookingScenario.SlotOnDay(4, 10)));
        var token = api.Services.GetRequiredService<BookingLinks>().TokenFor(held.Id);

        var response = await Send(HttpMethod.Get, held.Id, token);
        var json = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        foreach (var id in new[] { held.Id, held.CustomerId, s.PackageId, s.Tenant.Id, s.ItemId })
        {
            Assert.DoesNotContain(id.ToString("D"), json, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(id.ToString("N"), json, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotMatch(GuidPattern(), json);
        Assert.DoesNotContain("pi_", json, StringComparison.Ordinal);
        var seen = JsonSerializer.Deserialize<ManagedBookingDto>(json, ApiFactory.Json)!;
        Assert.Equal((BookingReference.For(held.Id), "held", 1500L), (seen.Booking.Reference, seen.Booking.Status, seen.Booking.AmountMinor));
        Assert.Equal(held.EndsAt.AddDays(30), seen.LinkExpiresAt);

        // The new time is chosen from the booked service's slots, asked for through the link (no package id needed).
        var day = DateOnly.FromDateTime(BookingScenario.SlotOnDay(5, 0).UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        // Availability is read from the replica, which may not have the package created a moment ago.
        var answer = await Eventually.Until(() => Send(HttpMethod.Get, held.Id, token, $"/availability?from={day}&to={day}"), r => r.StatusCode == HttpStatusCode.OK);
        var slots = await answer.Content.ReadAsStringAsync();
        Assert.DoesNotMatch(GuidPattern(), slots);
        var availability = JsonSerializer.Deserialize<ManagedAvailabilityDto>(slots, ApiFactory.Json)!;
        Assert.Contains(availability.Slots, x => x.StartsAt == BookingScenario.SlotOnDay(5, 10) && x.RemainingSeats == 1);
        await (await Send(HttpMethod.Get, held.Id, token[..^2] + "xx", $"/availability?from={day}&to={day}")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [GeneratedRegex("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();

    private Task<HttpResponseMessage> Send(HttpMethod method, Guid bookingId, string? token, string path = "", object? body = null)
    {
        var request = new HttpRequestMessage(method, $"/api/v1/bookings/{bookingId}/manage{path}");
        if (token is not null)
        {
            request.Headers.Add(ManageLinkEndpoints.TokenHeader, token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ApiFactory.Json);
        }

        return api.CreateClient().SendAsync(request);
    }
}
