using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Bookings;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Api.Tests.Bookings;

/// <summary>
/// A guest's one-time code, as the workers email it (derived from the booking and the address with the API's own
/// link keys), and the step that enters it. The email itself is tested through the workers and the SES stand-in.
/// </summary>
public static class GuestProof
{
    public static string CodeFor(IServiceProvider services, Guid bookingId, string email) =>
        services.GetRequiredService<BookingLinks>().EmailProofCode(bookingId, email);

    public static Task<HttpResponseMessage> ProveAsync(HttpClient client, Guid bookingId, string code) =>
        client.PostAsJsonAsync($"/api/v1/bookings/{bookingId}/email-proof", new EmailProofRequest(code), ApiFactory.Json);

    /// <summary>
    /// A guest holds and enters the emailed code: the answer the customer has once the address is proven (the hold's
    /// own answer when the hold was refused or needed no proof).
    /// </summary>
    public static async Task<HttpResponseMessage> HoldAndProveAsync(IServiceProvider services, HttpClient client, HttpRequestMessage hold, string email)
    {
        var held = await client.SendAsync(hold);
        if (held.StatusCode != HttpStatusCode.Created)
        {
            return held;
        }

        var booking = (await held.Content.ReadFromJsonAsync<BookingDto>(ApiFactory.Json))!;
        return booking.AwaitingEmailProof ? await ProveAsync(client, booking.Id, CodeFor(services, booking.Id, email)) : held;
    }

    /// <summary>A guest's booking of <paramref name="request"/> with the address proven: confirmed if free, payable if not.</summary>
    public static async Task<BookingDto> BookAsync(ApiFactory api, BookingScenario s, HttpClient client, HoldRequest request, string? key = null) =>
        await (await HoldAndProveAsync(api.Services, client, BookingScenario.HoldMessage(s.Tenant, request, key), request.Customer!.Email))
            .ReadAsync<BookingDto>(HttpStatusCode.OK);
}
