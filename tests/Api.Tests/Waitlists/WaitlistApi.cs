using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Waitlists;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;

namespace BookingAws.Api.Tests.Waitlists;

/// <summary>The waiting-list endpoints as a customer's browser calls them.</summary>
public static class WaitlistApi
{
    public static Task<HttpResponseMessage> JoinAsync(HttpClient client, BookingScenario s, DateTimeOffset start, string email, int seats = 1) =>
        client.PostAsJsonAsync(s.Tenant.Url("/waitlist"), new JoinWaitlistRequest(s.PackageId, start, seats, new GuestDetails("Waiting guest", email)), ApiFactory.Json);

    public static async Task<WaitlistEntryDto> JoinedAsync(HttpClient client, BookingScenario s, DateTimeOffset start, int seats = 1) =>
        await (await JoinAsync(client, s, start, $"{Guid.NewGuid():N}@example.test", seats)).ReadAsync<WaitlistEntryDto>(HttpStatusCode.Created);

    public static Task<HttpResponseMessage> GetAsync(HttpClient client, Guid id, string token) =>
        client.SendAsync(WithToken(HttpMethod.Get, $"/api/v1/waitlist/{id}", token));

    public static async Task<WaitlistEntryDto> EntryAsync(HttpClient client, WaitlistEntryDto joined) =>
        await (await GetAsync(client, joined.Id, joined.Token!)).ReadAsync<WaitlistEntryDto>();

    public static Task<HttpResponseMessage> LeaveAsync(HttpClient client, Guid id, string token) =>
        client.SendAsync(WithToken(HttpMethod.Post, $"/api/v1/waitlist/{id}/leave", token));

    /// <summary>The held booking offered to an entry, through its manage link (the token the entry hands out).</summary>
    public static async Task<ManagedBookingDto> OfferAsync(HttpClient client, WaitlistEntryDto offered)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/bookings/{offered.BookingId}/manage");
        request.Headers.Add(ManageLinkEndpoints.TokenHeader, offered.BookingToken);
        return await (await client.SendAsync(request)).ReadAsync<ManagedBookingDto>();
    }

    private static HttpRequestMessage WithToken(HttpMethod method, string url, string token)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add(WaitlistEndpoints.TokenHeader, token);
        return request;
    }
}
