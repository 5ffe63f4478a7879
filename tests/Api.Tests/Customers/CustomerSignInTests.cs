using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Customers;
using BookingAws.Api.Infrastructure;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Identity;
using BookingAws.Shared.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NodaTime;

namespace BookingAws.Api.Tests.Customers;

/// <summary>
/// A customer signs in to the portal with a code emailed by the API (never a password): the code opens a session
/// for their bookings at every business, wrong, expired and overused codes open nothing, and asking for a code
/// says nothing about whether the address is anyone's.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CustomerSignInTests(ApiFactory api)
{
    [Fact]
    public async Task The_emailed_code_signs_a_guest_in_and_their_bookings_can_be_listed_cancelled_and_moved()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 3, priceMinor: 0);
        var email = $"Guest-{Guid.NewGuid():N}@Example.test";
        var first = await GuestProof.BookAsync(api, s, api.CreateClient(), s.Guest(BookingScenario.SlotOnDay(4, 10), email: email));
        var second = await GuestProof.BookAsync(api, s, api.CreateClient(), s.Guest(BookingScenario.SlotOnDay(5, 10), email: email));

        var portal = api.CreateClient();
        var sent = await RequestCodeAsync(portal, s.Tenant, email);
        var session = await (await VerifyAsync(portal, email, sent.Challenge, CodeFor(sent.Challenge, email))).ReadAsync<CustomerSession>();
        var customer = api.ClientWithToken(session.AccessToken);

        var mine = await (await customer.GetAsync("/api/v1/me/bookings")).ReadAsync<PagedResult<BookingDto>>();
        Assert.Equal([second.Id, first.Id], mine.Items.Select(b => b.Id));
        Assert.Equal(email.ToLowerInvariant(), session.Email);

        var moved = await (await customer.PostAsJsonAsync($"/api/v1/bookings/{first.Id}/reschedule", new RescheduleRequest(BookingScenario.SlotOnDay(6, 12)), ApiFactory.Json))
            .ReadAsync<BookingDto>();
        var cancelled = await (await customer.PostAsJsonAsync($"/api/v1/bookings/{second.Id}/cancel", new CancelRequest(null), ApiFactory.Json)).ReadAsync<BookingDto>();
        Assert.Equal(BookingScenario.SlotOnDay(6, 12), moved.StartsAt);
        Assert.Equal(BookingStatus.Cancelled, cancelled.Status);

        // The session is this customer's only: another business's booking stays invisible to it.
        var other = await BookingScenario.CreateAsync(api, quantity: 1, priceMinor: 0);
        var stranger = await GuestProof.BookAsync(api, other, api.CreateClient(), other.Guest(BookingScenario.SlotOnDay(4, 10)));
        await (await customer.GetAsync($"/api/v1/bookings/{stranger.Id}")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Asking_for_a_code_answers_the_same_for_an_unknown_address_as_for_a_customer_and_queues_an_email_for_each()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 3, priceMinor: 0);
        var known = $"known-{Guid.NewGuid():N}@example.test";
        await GuestProof.BookAsync(api, s, api.CreateClient(), s.Guest(BookingScenario.SlotOnDay(4, 10), email: known));
        var unknown = $"nobody-{Guid.NewGuid():N}@example.test";

        var forKnown = await api.CreateClient().PostAsJsonAsync(s.Tenant.Url("/sign-in/code"), new SignInCodeRequest(known), ApiFactory.Json);
        var forUnknown = await api.CreateClient().PostAsJsonAsync(s.Tenant.Url("/sign-in/code"), new SignInCodeRequest(unknown), ApiFactory.Json);

        Assert.Equal(HttpStatusCode.Accepted, forKnown.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, forUnknown.StatusCode);
        Assert.Equal(Shape(await forKnown.Content.ReadAsStringAsync()), Shape(await forUnknown.Content.ReadAsStringAsync()));
        var queued = (await Ledger.OutboxAsync(api.Services, s.Tenant.Id)).Where(m => m.Type == CustomerSignInRequested.WireName)
            .Select(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("email").GetString()).ToList();
        Assert.Equal(new[] { known, unknown }.Order(StringComparer.Ordinal), queued.Order(StringComparer.Ordinal));

        // An unknown address that proves itself is simply a customer with no bookings yet.
        var sent = await (await api.CreateClient().PostAsJsonAsync(s.Tenant.Url("/sign-in/code"), new SignInCodeRequest(unknown), ApiFactory.Json)).ReadAsync<SignInCodeSent>(HttpStatusCode.Accepted);
        var session = await (await VerifyAsync(api.CreateClient(), unknown, sent.Challenge, CodeFor(sent.Challenge, unknown))).ReadAsync<CustomerSession>();
        var mine = await (await api.ClientWithToken(session.AccessToken).GetAsync("/api/v1/me/bookings")).ReadAsync<PagedResult<BookingDto>>();
        Assert.Empty(mine.Items);
    }

    [Fact]
    public async Task A_wrong_code_is_refused_with_the_tries_left_and_after_five_tries_even_the_right_code_is_refused()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1, priceMinor: 0);
        var email = $"guess-{Guid.NewGuid():N}@example.test";
        var portal = api.CreateClient();
        var sent = await RequestCodeAsync(portal, s.Tenant, email);
        var code = CodeFor(sent.Challenge, email);

        var wrong = await (await VerifyAsync(portal, email, sent.Challenge, Wrong(code))).ShouldBeCodeProblem();
        Assert.Contains("4 more tries", wrong.GetProperty("detail").GetString(), StringComparison.Ordinal);
        for (var i = 2; i <= CustomerSignInEndpoints.MaxTries; i++)
        {
            await (await VerifyAsync(portal, email, sent.Challenge, Wrong(code))).ShouldBeCodeProblem();
        }

        var right = await (await VerifyAsync(portal, email, sent.Challenge, code)).ShouldBeCodeProblem();
        Assert.Contains("Too many tries", right.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A code for one address is no code for another, and a challenge cannot be made up.
        var other = $"other-{Guid.NewGuid():N}@example.test";
        await (await VerifyAsync(portal, other, sent.Challenge, code)).ShouldBeCodeProblem();
        await (await VerifyAsync(portal, email, "default.9999999999.forged.mac", "123456")).ShouldBeCodeProblem();
    }

    [Fact]
    public async Task An_expired_code_and_a_code_used_once_already_open_nothing()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1, priceMinor: 0);
        var email = $"late-{Guid.NewGuid():N}@example.test";
        var codes = api.Services.GetRequiredService<CustomerSignInCodes>();
        var stale = codes.NewChallenge(email, SystemClock.Instance.GetCurrentInstant() - CustomerSignInCodes.Lifetime - Duration.FromSeconds(1));

        var expired = await (await VerifyAsync(api.CreateClient(), email, stale.Value, CodeFor(stale.Value, email))).ShouldBeCodeProblem();
        Assert.Contains("expired", expired.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var sent = await RequestCodeAsync(api.CreateClient(), s.Tenant, email);
        await (await VerifyAsync(api.CreateClient(), email, sent.Challenge, CodeFor(sent.Challenge, email))).ShouldBe(HttpStatusCode.OK);
        var again = await (await VerifyAsync(api.CreateClient(), email, sent.Challenge, CodeFor(sent.Challenge, email))).ShouldBeCodeProblem();
        Assert.Contains("already used", again.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_token_with_a_forged_signature_or_signed_for_the_wrong_issuer_is_not_accepted()
    {
        var email = $"forge-{Guid.NewGuid():N}@example.test";
        var s = await BookingScenario.CreateAsync(api, quantity: 1, priceMinor: 0);
        var sent = await RequestCodeAsync(api.CreateClient(), s.Tenant, email);
        var session = await (await VerifyAsync(api.CreateClient(), email, sent.Challenge, CodeFor(sent.Challenge, email))).ReadAsync<CustomerSession>();
        var parts = session.AccessToken.Split('.');
        var tampered = $"{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}";

        await (await api.ClientWithToken(session.AccessToken).GetAsync("/api/v1/me/bookings")).ShouldBe(HttpStatusCode.OK);
        await (await api.ClientWithToken(tampered).GetAsync("/api/v1/me/bookings")).ShouldBe(HttpStatusCode.Unauthorized);

        // The session key signs sessions only: a token claiming the pool as issuer and an app client is refused.
        var claims = new JsonWebToken(session.AccessToken).Claims.GroupBy(c => c.Type).ToDictionary(g => g.Key, g => (object)g.First().Value);
        claims["iss"] = api.Services.GetRequiredService<IConfiguration>()["Auth:Authority"]!;
        claims["client_id"] = api.Identity.ClientId(1);
        var posing = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(api.Services.GetRequiredService<CustomerSessionTokens>().ValidationKeys.First(), SecurityAlgorithms.HmacSha256),
        });
        await (await api.ClientWithToken(posing).GetAsync("/api/v1/me/bookings")).ShouldBe(HttpStatusCode.Unauthorized);
    }

    private string CodeFor(string challenge, string email) =>
        api.Services.GetRequiredService<CustomerSignInCodes>().CodeFor(challenge, email) ?? throw new InvalidOperationException("Not a challenge for this address.");

    private static async Task<SignInCodeSent> RequestCodeAsync(HttpClient client, TestTenant tenant, string email) =>
        await (await client.PostAsJsonAsync(tenant.Url("/sign-in/code"), new SignInCodeRequest(email), ApiFactory.Json)).ReadAsync<SignInCodeSent>(HttpStatusCode.Accepted);

    private static Task<HttpResponseMessage> VerifyAsync(HttpClient client, string email, string challenge, string code) =>
        client.PostAsJsonAsync("/api/v1/sign-in/verify", new SignInVerifyRequest(email, challenge, code), ApiFactory.Json);

    private static string Wrong(string code) => ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The answer's member names and kinds: what a prober could compare.</summary>
    private static string Shape(string json) =>
        string.Join(",", JsonDocument.Parse(json).RootElement.EnumerateObject().Select(p => $"{p.Name}:{p.Value.ValueKind}"));
}

internal static class SignInAssertions
{
    /// <summary>A 422 that names the code as the field at fault, as the portal shows it beside the code box.</summary>
    public static async Task<JsonElement> ShouldBeCodeProblem(this HttpResponseMessage response)
    {
        var problem = await response.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("code", problem.GetProperty("field").GetString());
        return problem;
    }
}
