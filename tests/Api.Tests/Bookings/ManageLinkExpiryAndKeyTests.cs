using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Api.Tests.Bookings;

/// <summary>Manage links stop opening once the booking is long over, and survive a change of signing key.</summary>
[Collection(ApiCollection.Name)]
public sealed class ManageLinkExpiryAndKeyTests(ApiFactory api)
{
    [Fact]
    public async Task A_link_opens_until_the_grace_period_after_the_booking_ends_then_answers_410()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 2, priceMinor: 0);
        var recent = await HoldAsync(s, BookingScenario.SlotOnDay(3, 10));
        var old = await HoldAsync(s, BookingScenario.SlotOnDay(3, 11));
        var links = api.Services.GetRequiredService<BookingLinks>();

        // Grace is 30 days (the default): one booking ended 29 days ago, the other 31.
        await MoveIntoThePastAsync(recent.Id, TimeSpan.FromDays(29));
        await MoveIntoThePastAsync(old.Id, TimeSpan.FromDays(31));

        var seen = await (await Send(api, HttpMethod.Get, recent.Id, links.TokenFor(recent.Id))).ReadAsync<ManagedBookingDto>(HttpStatusCode.OK);
        Assert.True(seen.LinkExpiresAt > DateTimeOffset.UtcNow);

        var token = links.TokenFor(old.Id);
        var gone = await (await Send(api, HttpMethod.Get, old.Id, token)).ReadAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(HttpStatusCode.Gone);
        Assert.Contains("expired", gone.Detail, StringComparison.OrdinalIgnoreCase);
        await (await Send(api, HttpMethod.Post, old.Id, token, "/cancel", new CancelRequest(null))).ShouldBeProblem(HttpStatusCode.Gone);
        await (await Send(api, HttpMethod.Post, old.Id, token, "/reschedule", new RescheduleRequest(BookingScenario.SlotOnDay(5, 10))))
            .ShouldBeProblem(HttpStatusCode.Gone);

        // Expiry is only told to whoever holds a genuine link: a forged one is still the 404 of a missing booking.
        await (await Send(api, HttpMethod.Get, old.Id, token[..^2] + "xx")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task After_a_key_rotation_new_links_use_the_new_key_and_links_signed_before_still_open()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 2, priceMinor: 0);
        var booking = await HoldAsync(s, BookingScenario.SlotOnDay(3, 10));
        var before = api.Services.GetRequiredService<BookingLinks>().TokenFor(booking.Id);
        var configuration = api.Services.GetRequiredService<IConfiguration>();
        var legacy = LegacyToken(configuration["Links:SigningKey"]!, booking.Id);

        // The old key stays listed (as the default key), the new one signs.
        using var rotated = api.WithWebHostBuilder(b => b
            .UseSetting("Links:Keys:2027a", "a-new-link-signing-key-for-the-rotation-test")
            .UseSetting("Links:ActiveKeyId", "2027a"));
        var after = rotated.Services.GetRequiredService<BookingLinks>().TokenFor(booking.Id);
        Assert.StartsWith("2027a.", after, StringComparison.Ordinal);
        Assert.StartsWith("default.", before, StringComparison.Ordinal);

        foreach (var token in new[] { after, before, legacy })
        {
            var seen = await (await Send(rotated, HttpMethod.Get, booking.Id, token)).ReadAsync<ManagedBookingDto>(HttpStatusCode.OK);
            Assert.Equal(BookingReference.For(booking.Id), seen.Booking.Reference);
        }

        // A key id that is not listed, or a MAC moved under another key's id, opens nothing.
        var mac = after[(after.IndexOf('.', StringComparison.Ordinal) + 1)..];
        await (await Send(rotated, HttpMethod.Get, booking.Id, "retired." + mac)).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await Send(rotated, HttpMethod.Get, booking.Id, "default." + mac)).ShouldBeProblem(HttpStatusCode.NotFound);

        // The instances that have not rotated yet do not know the new key: rotate by listing it everywhere first.
        await (await Send(api, HttpMethod.Get, booking.Id, after)).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    private async Task<BookingDto> HoldAsync(BookingScenario s, DateTimeOffset start) =>
        await GuestProof.BookAsync(api, s, api.CreateClient(), s.Guest(start));

    /// <summary>Bookings cannot be made in the past, so the test moves one there: it ended <paramref name="ago"/> ago.</summary>
    private async Task MoveIntoThePastAsync(Guid bookingId, TimeSpan ago)
    {
        await using var scope = api.Services.CreateAsyncScope();
        using var rowScope = DatabaseScope.System("test setup: a booking moved into the past");
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var endsAt = DateTime.UtcNow - ago;
        var rows = await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE bookings SET starts_at = {endsAt.AddMinutes(-30)}, ends_at = {endsAt} WHERE id = {bookingId}");
        Assert.Equal(1, rows);
    }

    /// <summary>A token as links were signed before key ids existed (HMAC of the booking id, no key id).</summary>
    private static string LegacyToken(string key, Guid bookingId) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"booking-manage:v1:{bookingId:D}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Task<HttpResponseMessage> Send<T>(
        Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<T> host, HttpMethod method, Guid bookingId, string token, string path = "", object? body = null)
        where T : class
    {
        var request = new HttpRequestMessage(method, $"/api/v1/bookings/{bookingId}/manage{path}");
        request.Headers.Add(ManageLinkEndpoints.TokenHeader, token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ApiFactory.Json);
        }

        return host.CreateClient().SendAsync(request);
    }
}
