using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BookingAws.Api.Features.Availability;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Catalog;
using BookingAws.Api.Features.Hours;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Caching;
using BookingAws.Shared.Data;
using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Bookings;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using StackExchange.Redis;

namespace BookingAws.Api.Tests.Availability;

/// <summary>
/// The read cache as visitors meet it, over two API instances sharing the database and Redis. Entries
/// here live ten minutes, so every change seen below came from an invalidation.
/// </summary>
public sealed class ReadCacheTests(TwoApiInstances apis) : IClassFixture<TwoApiInstances>
{
    [Fact]
    public async Task A_day_cached_on_one_instance_shows_a_hold_a_cancellation_and_a_closure_made_on_the_other()
    {
        var s = await BookingScenario.CreateAsync(apis.A, quantity: 1, priceMinor: 0);
        var slot = BookingScenario.SlotOnDay(3, 10);
        var b = apis.B.CreateClient();
        Assert.Equal(1, await FirstSeatsAsync(b, s, slot));

        var booking = await (await s.HoldAsync(apis.A.CreateClient(), s.Guest(slot))).ReadAsync<BookingDto>(HttpStatusCode.Created);
        Assert.Equal(0, await Eventually.Until(() => SeatsAsync(b, s, slot), seats => seats == 0));

        await (await s.Tenant.Owner.PostAsJsonAsync($"/api/v1/bookings/{booking.Id}/cancel", new CancelRequest("weather"), ApiFactory.Json)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(1, await Eventually.Until(() => SeatsAsync(b, s, slot), seats => seats == 1));

        var day = DateOnly.FromDateTime(slot.UtcDateTime);
        await (await s.Tenant.Owner.PostAsJsonAsync(s.Tenant.Url("/closures"), new ClosureRequest(day, day, "Regatta"), ApiFactory.Json)).ShouldBe(HttpStatusCode.Created);
        Assert.Equal(-1, await Eventually.Until(() => SeatsAsync(b, s, slot), seats => seats == -1));
        var catalog = await Eventually.Until(
            async () => await (await b.GetAsync(s.Tenant.Url("/catalog"))).ReadAsync<CatalogDto>(),
            c => c.UpcomingClosures.Count == 1);
        Assert.Equal("Regatta", Assert.Single(catalog.UpcomingClosures).Reason);
    }

    [Fact]
    public async Task An_expiry_swept_by_a_worker_frees_the_seat_on_every_instance()
    {
        var s = await BookingScenario.CreateAsync(apis.A, quantity: 1, priceMinor: 0);
        var slot = BookingScenario.SlotOnDay(6, 12);
        var b = apis.B.CreateClient();
        Assert.Equal(1, await FirstSeatsAsync(b, s, slot));
        var held = await (await s.HoldAsync(apis.A.CreateClient(), s.Guest(slot))).ReadAsync<BookingDto>(HttpStatusCode.Created);
        Assert.Equal(0, await Eventually.Until(() => SeatsAsync(b, s, slot), seats => seats == 0));

        // As the workers sweep: their own Redis connection, no cache of their own, only the publishing side.
        using var redis = await ConnectionMultiplexer.ConnectAsync(ApiOverCuttableRedis.Redis);
        var worker = new CacheInvalidation(redis, Options.Create(new CacheOptions()), NullLogger<CacheInvalidation>.Instance);
        var db = DataServiceCollectionExtensions.BuildDataSource(DataServiceCollectionExtensions.WithSystemScope(PlatformDatabase.App), "test-worker");
        await using (db)
        {
            // Backdated rather than swept with a future clock, which would expire other tests' holds as well.
            await Ledger.BackdateHoldAsync(held.Id);
            var sweeps = new BookingSweeps(db, SystemClock.Instance, worker);
            while (await sweeps.ExpireDueHoldsAsync(500, CancellationToken.None) > 0)
            {
            }
        }

        Assert.Equal(1, await Eventually.Until(() => SeatsAsync(b, s, slot), seats => seats == 1));
    }

    [Fact]
    public async Task A_stale_cached_seat_is_refused_by_the_hold_with_409()
    {
        var s = await BookingScenario.CreateAsync(apis.A, quantity: 1, priceMinor: 0);
        var slot = BookingScenario.SlotOnDay(4, 11);
        var a = apis.A.CreateClient();
        Assert.Equal(1, await FirstSeatsAsync(a, s, slot));

        // The last seat goes by a path that tells no cache (as if its invalidation were lost): the page keeps showing it.
        await TakeSeatTellingNoCacheAsync(s, slot);

        Assert.Equal(1, await SeatsAsync(a, s, slot));
        await (await s.HoldAsync(a, s.Guest(slot))).ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Availability_and_the_catalogue_carry_an_etag_and_answer_304_until_they_change()
    {
        var s = await BookingScenario.CreateAsync(apis.A, quantity: 2, priceMinor: 0);
        var slot = BookingScenario.SlotOnDay(5, 9);
        var client = apis.B.CreateClient();
        var url = AvailabilityUrl(s, slot);
        await FirstSeatsAsync(client, s, slot);

        var first = await client.GetAsync(url);
        await first.ShouldBe(HttpStatusCode.OK);
        var etag = first.Headers.ETag!;
        Assert.Equal(AvailabilityEndpoints.CacheControl, first.Headers.CacheControl!.ToString());
        Assert.True(first.Headers.CacheControl.Public);

        var unchanged = await SendAsync(client, url, etag);
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Empty(await unchanged.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, unchanged.Headers.ETag);

        await (await s.HoldAsync(apis.A.CreateClient(), s.Guest(slot))).ShouldBe(HttpStatusCode.Created);
        var changed = await Eventually.Until(() => SendAsync(client, url, etag), r => r.StatusCode == HttpStatusCode.OK);
        await changed.ShouldBe(HttpStatusCode.OK);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Equal(1, (await changed.Content.ReadFromJsonAsync<AvailabilityDto>(ApiFactory.Json))!.Slots.Single(x => x.StartsAt == slot).RemainingSeats);

        var catalog = await client.GetAsync(s.Tenant.Url("/catalog"));
        await catalog.ShouldBe(HttpStatusCode.OK);
        Assert.Equal(CatalogEndpoints.CacheControl, catalog.Headers.CacheControl!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, (await SendAsync(client, s.Tenant.Url("/catalog"), catalog.Headers.ETag!)).StatusCode);
    }

    /// <summary>The first read after the scenario's writes: the package may reach the replica a moment later.</summary>
    /// <summary>Takes one seat through the booking core itself, which tells no cache (as if its invalidation were lost).</summary>
    internal static async Task TakeSeatTellingNoCacheAsync(BookingScenario s, DateTimeOffset slot)
    {
        using var core = new BookingCoreAt(SystemClock.Instance);
        var taken = await core.Hold.RunAsync(
            new HoldCommand(s.Tenant.Slug, s.PackageId, Instant.FromDateTimeOffset(slot), 1, new BookingCustomer(null, "First", "first@example.test"), Guid.NewGuid().ToString(), "x"),
            (_, _) => "{}",
            CancellationToken.None);
        Assert.IsType<HoldOutcome.Created>(taken);
    }

    internal static Task<int> FirstSeatsAsync(HttpClient client, BookingScenario s, DateTimeOffset slot) =>
        Eventually.Until(() => SeatsAsync(client, s, slot), seats => seats != -2);

    internal static string AvailabilityUrl(BookingScenario s, DateTimeOffset slot)
    {
        var day = DateOnly.FromDateTime(slot.UtcDateTime);
        return s.Tenant.Url($"/packages/{s.PackageId}/availability?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}");
    }

    /// <summary>
    /// The seats the page shows for <paramref name="slot"/>; -1 when the slot is not offered, -2 while the
    /// package is not found (the replica has not yet replayed its creation).
    /// </summary>
    internal static async Task<int> SeatsAsync(HttpClient client, BookingScenario s, DateTimeOffset slot)
    {
        var response = await client.GetAsync(AvailabilityUrl(s, slot));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return -2;
        }

        var availability = await response.ReadAsync<AvailabilityDto>();
        return availability.Slots.SingleOrDefault(x => x.StartsAt == slot)?.RemainingSeats ?? -1;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string url, EntityTagHeaderValue etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfNoneMatch.Add(etag);
        return client.SendAsync(request);
    }
}
