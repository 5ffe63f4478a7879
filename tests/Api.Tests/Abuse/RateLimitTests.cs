using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Identity;
using BookingAws.Api.Tests.Infrastructure;

namespace BookingAws.Api.Tests.Abuse;

/// <summary>One anonymous client cannot empty a calendar: holds, sign-ups and link writes are limited per client address, per email and per business.</summary>
public sealed class RateLimitTests(AbuseApi api) : IClassFixture<AbuseApi>
{
    [Fact]
    public async Task One_client_address_gets_429_with_retry_after_and_another_address_still_books()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 100, priceMinor: 0);
        var client = api.CreateClient();
        var me = AbuseApi.NewClientAddress();
        for (var i = 0; i < AbuseApi.HoldsPerIp; i++)
        {
            await (await client.SendAsync(AbuseApi.HoldFrom(me, s, s.Guest(BookingScenario.SlotOnDay(3, 9 + i))))).ShouldBe(HttpStatusCode.Created);
        }

        var refused = await client.SendAsync(AbuseApi.HoldFrom(me, s, s.Guest(BookingScenario.SlotOnDay(3, 15))));

        var problem = await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal((int)retryAfter.Value.TotalSeconds, problem.GetProperty("retryAfterSeconds").GetInt32());

        // The address is the viewer's as CloudFront saw it: the client's own X-Forwarded-For entry (the same
        // in every request here) did not make these requests one client.
        await (await client.SendAsync(AbuseApi.HoldFrom(AbuseApi.NewClientAddress(), s, s.Guest(BookingScenario.SlotOnDay(3, 15))))).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_request_refused_as_invalid_is_answered_400_even_from_a_limited_address()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 100, priceMinor: 0);
        var client = api.CreateClient();
        var me = AbuseApi.NewClientAddress();
        for (var i = 0; i <= AbuseApi.HoldsPerIp; i++)
        {
            await client.SendAsync(AbuseApi.HoldFrom(me, s, s.Guest(BookingScenario.SlotOnDay(4, 9 + i))));
        }

        var invalid = await client.SendAsync(AbuseApi.HoldFrom(me, s, s.Guest(BookingScenario.SlotOnDay(4, 15), seats: 0)));

        // Validation runs before the limiter: a malformed request costs no Redis call and tells the client what to fix.
        await invalid.ShouldBeProblem(HttpStatusCode.BadRequest, "seats");
    }

    [Fact]
    public async Task One_guest_email_is_limited_whatever_address_it_comes_from()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 100, priceMinor: 0);
        var client = api.CreateClient();
        var email = $"{Guid.NewGuid():N}@example.test";
        for (var i = 0; i < AbuseApi.HoldsPerEmail; i++)
        {
            var held = await (await client.SendAsync(AbuseApi.HoldFrom(AbuseApi.NewClientAddress(), s, s.Guest(BookingScenario.SlotOnDay(5, 9 + i), email: email))))
                .ReadAsync<BookingDto>(HttpStatusCode.Created);

            // Entering the code confirms it, so the cap on unconfirmed holds is not what stops the next one.
            using var prove = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/bookings/{held.Id}/email-proof")
            {
                Content = JsonContent.Create(new EmailProofRequest(GuestProof.CodeFor(api.Services, held.Id, email)), options: ApiFactory.Json),
            };
            AbuseApi.ForwardedFor(prove, AbuseApi.NewClientAddress());
            await (await client.SendAsync(prove)).ShouldBe(HttpStatusCode.OK);
        }

        var refused = await client.SendAsync(AbuseApi.HoldFrom(AbuseApi.NewClientAddress(), s, s.Guest(BookingScenario.SlotOnDay(5, 15), email: email.ToUpperInvariant())));

        var problem = await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        Assert.Equal("customer.email", problem.GetProperty("field").GetString());
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_business_takes_a_bounded_number_of_holds_and_refused_requests_do_not_use_it_up()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 100, priceMinor: 0);
        var client = api.CreateClient();
        var statuses = new List<HttpStatusCode>();
        var hour = 6;

        // Two clients each at their own limit, one of them refused twice: only accepted holds count for the business.
        foreach (var address in new[] { AbuseApi.NewClientAddress(), AbuseApi.NewClientAddress() })
        {
            for (var i = 0; i < AbuseApi.HoldsPerIp + 2; i++)
            {
                statuses.Add((await client.SendAsync(AbuseApi.HoldFrom(address, s, s.Guest(BookingScenario.SlotOnDay(6, hour++ % 23))))).StatusCode);
            }
        }

        var third = await client.SendAsync(AbuseApi.HoldFrom(AbuseApi.NewClientAddress(), s, s.Guest(BookingScenario.SlotOnDay(7, 9))));
        var fourth = await client.SendAsync(AbuseApi.HoldFrom(AbuseApi.NewClientAddress(), s, s.Guest(BookingScenario.SlotOnDay(7, 10))));

        Assert.Equal(2 * AbuseApi.HoldsPerIp, statuses.Count(c => c == HttpStatusCode.Created));
        Assert.Equal(AbuseApi.HoldsPerBusiness, 2 * AbuseApi.HoldsPerIp);
        await third.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        await fourth.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        Assert.NotNull(fourth.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_business_with_its_own_limits_takes_more_holds_than_the_default()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 100, priceMinor: 0, slug: api.GenerousSlug);
        var client = api.CreateClient();

        for (var i = 0; i < AbuseApi.HoldsPerBusiness + 2; i++)
        {
            await (await client.SendAsync(AbuseApi.HoldFrom(AbuseApi.NewClientAddress(), s, s.Guest(BookingScenario.SlotOnDay(8, 9 + i))))).ShouldBe(HttpStatusCode.Created);
        }
    }

    [Fact]
    public async Task Sign_ups_for_one_email_are_limited_and_name_the_field()
    {
        var email = $"{Guid.NewGuid():N}@example.test";
        var client = api.CreateClient();
        for (var i = 0; i < AbuseApi.SignUpsPerEmail; i++)
        {
            await (await client.PostAsJsonAsync("/api/v1/tenants", SignUp(email), ApiFactory.Json)).ShouldBe(HttpStatusCode.Created);
        }

        var refused = await client.PostAsJsonAsync("/api/v1/tenants", SignUp(email), ApiFactory.Json);

        var problem = await refused.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        Assert.Equal("ownerEmail", problem.GetProperty("field").GetString());
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task Payment_starts_and_manage_link_writes_are_limited_per_client_address()
    {
        var client = api.CreateClient();
        var me = AbuseApi.NewClientAddress();
        var statuses = new List<HttpStatusCode>();
        foreach (var path in new[] { "/payment", "/manage/cancel", "/payment" })
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/bookings/{Guid.NewGuid()}{path}") { Content = JsonContent.Create(new { }) };
            message.Headers.Add("X-Booking-Token", "not-a-token");
            AbuseApi.ForwardedFor(message, me);
            var response = await client.SendAsync(message);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests], statuses);
    }

    private static SignUpRequest SignUp(string email)
    {
        var slug = "t-" + Guid.NewGuid().ToString("N")[..12];
        return new SignUpRequest(slug, "Limited", "Etc/UTC", "GBP", email, "Owner", TestIdentity.Password);
    }
}
