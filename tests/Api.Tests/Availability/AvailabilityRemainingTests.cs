using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Availability;
using BookingAws.Api.Features.Catalog;
using BookingAws.Api.Features.Inventory;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Api.Tests.Waitlists;
using BookingAws.Shared.Domain.Tenants;

namespace BookingAws.Api.Tests.Availability;

/// <summary>
/// What is left of a slot in the customer's terms: a meeting room of which the business has two shows bookings left
/// (not the eight people one booking may bring), a per-seat tour shows places across bookings, a slot people wait
/// for shows none.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AvailabilityRemainingTests(ApiFactory api)
{
    [Fact]
    public async Task A_room_taken_whole_per_booking_shows_the_rooms_left_and_its_name()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 2, maxSeats: 8, perSeat: false);
        await (await s.Tenant.Owner.PutAsJsonAsync(s.Tenant.Url($"/inventory/{s.ItemId}"), new InventoryItemRequest("Meeting room", 2), ApiFactory.Json))
            .ShouldBe(HttpStatusCode.OK);
        var start = BookingScenario.SlotOnDay(3, 10);
        await (await s.HoldAsync(api.CreateClient(), s.Guest(start, seats: 6))).ShouldBe(HttpStatusCode.Created);

        var (availability, slot) = await SlotAsync(s, start, (a, x) => a.WholeItemName == "Meeting room" && x.RemainingBookings == 1);

        // One of two rooms is taken: one booking of up to eight people still fits; places are not what this package counts.
        Assert.Equal((8, 1, (int?)null), (slot.RemainingSeats, slot.RemainingBookings, slot.RemainingPlaces));
        Assert.Equal("Meeting room", availability.WholeItemName);
        var free = availability.Slots.Single(x => x.StartsAt == start.AddHours(2));
        Assert.Equal((8, 2), (free.RemainingSeats, free.RemainingBookings));
    }

    [Fact]
    public async Task A_per_seat_tour_shows_the_places_left_across_bookings_and_a_slot_people_wait_for_shows_none()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 10, maxSeats: 4);
        var start = BookingScenario.SlotOnDay(3, 11);
        await (await s.HoldAsync(api.CreateClient(), s.Guest(start, seats: 3))).ShouldBe(HttpStatusCode.Created);

        var (availability, slot) = await SlotAsync(s, start, (_, x) => x.RemainingPlaces == 7);

        // Seven places are left, though one booking may take only four of them.
        Assert.Equal((4, (int?)null, 7), (slot.RemainingSeats, slot.RemainingBookings, slot.RemainingPlaces));
        Assert.Null(availability.WholeItemName);

        // Fill it, and a party of two waits: nothing is left for a newcomer.
        await (await s.HoldAsync(api.CreateClient(), s.Guest(start, seats: 4))).ShouldBe(HttpStatusCode.Created);
        await (await s.HoldAsync(api.CreateClient(), s.Guest(start, seats: 2))).ShouldBe(HttpStatusCode.Created);
        await (await WaitlistApi.JoinAsync(api.CreateClient(), s, start, "party@example.test", seats: 2)).ShouldBe(HttpStatusCode.Created);
        var (_, waited) = await SlotAsync(s, start, (_, x) => x.Waitlist);
        Assert.Equal((0, 0, true), (waited.RemainingSeats, waited.RemainingPlaces, waited.Waitlist));
    }

    [Fact]
    public async Task The_catalogue_tells_how_long_an_offered_place_is_held()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1, policy: new BookingPolicyDto(0, 90, 30, 0, 0, 10, 24, 24, RefundRule.FullBeforeWindow, 0, WaitlistOfferMinutes: 45));

        var catalog = await Eventually.Until(
            async () => await (await api.CreateClient().GetAsync(s.Tenant.Url("/catalog"))).ReadAsync<CatalogDto>(),
            c => c.WaitlistOfferMinutes == 45);
        Assert.Equal(45, catalog.WaitlistOfferMinutes);
    }

    /// <summary>The public availability of <paramref name="start"/>'s day once it reads as <paramref name="settled"/> (replica, cache).</summary>
    private async Task<(AvailabilityDto Availability, SlotDto Slot)> SlotAsync(BookingScenario s, DateTimeOffset start, Func<AvailabilityDto, SlotDto, bool> settled)
    {
        var day = DateOnly.FromDateTime(start.UtcDateTime);
        var found = await Eventually.Until<(AvailabilityDto? Availability, SlotDto? Slot)>(
            async () =>
            {
                // A package made a moment ago may not have reached the replica yet (404 until it has).
                var response = await api.CreateClient().GetAsync(s.Tenant.Url($"/packages/{s.PackageId}/availability?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}"));
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return (null, null);
                }

                var availability = await response.ReadAsync<AvailabilityDto>();
                return (availability, availability.Slots.Single(x => x.StartsAt == start));
            },
            f => f.Availability is not null && settled(f.Availability, f.Slot!));
        Assert.True(found.Availability is not null && settled(found.Availability, found.Slot!), $"availability never settled: {found.Slot}");
        return (found.Availability, found.Slot!);
    }
}
