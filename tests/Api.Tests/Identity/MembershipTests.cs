using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Infrastructure;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Api.Tests.Identity;

/// <summary>One sign-in, many businesses: what a person may do comes from their memberships, per business.</summary>
[Collection(ApiCollection.Name)]
public sealed class MembershipTests(ApiFactory api)
{
    [Fact]
    public async Task One_person_on_staff_at_two_businesses_reaches_both_with_one_token_and_a_third_is_not_found()
    {
        var first = await api.CreateTenantAsync();
        var second = await api.CreateTenantAsync();
        var third = await api.CreateTenantAsync();
        var email = $"shared-{Guid.NewGuid():N}@example.test";
        var asStaff = await api.AddUserAsync(first, Roles.Staff, email);
        var asOwner = await api.AddUserAsync(second, Roles.Owner, email);

        Assert.Equal(asStaff.DefaultRequestHeaders.Authorization, asOwner.DefaultRequestHeaders.Authorization);
        var me = asStaff;
        await (await me.GetAsync(first.Url("/policy"))).ShouldBe(HttpStatusCode.OK);
        await (await me.GetAsync(second.Url("/policy"))).ShouldBe(HttpStatusCode.OK);
        await (await me.GetAsync(third.Url("/policy"))).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await me.GetAsync(api.CreateClient().BaseAddress + "api/v1/tenants/no-such-business/policy")).ShouldBeProblem(HttpStatusCode.NotFound);

        // The role is per business: staff here, owner there.
        var policy = await (await me.GetAsync(first.Url("/policy"))).ReadAsync<BookingPolicyDto>();
        await (await me.PutAsJsonAsync(first.Url("/policy"), policy, ApiFactory.Json)).ShouldBe(HttpStatusCode.Forbidden);
        await (await me.PutAsJsonAsync(second.Url("/policy"), policy, ApiFactory.Json)).ShouldBe(HttpStatusCode.OK);
        await (await me.PutAsJsonAsync(third.Url("/policy"), policy, ApiFactory.Json)).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Sign_up_creates_the_owner_in_the_user_pool_and_an_existing_person_keeps_one_sign_in_for_a_second_business()
    {
        var slug = "t-" + Guid.NewGuid().ToString("N")[..12];
        var email = $"founder-{slug}@example.test";
        await (await api.CreateClient().PostAsJsonAsync("/api/v1/tenants", new SignUpRequest(slug, "First", "Etc/UTC", "GBP", email, "Founder", TestIdentity.Password), ApiFactory.Json))
            .ShouldBe(HttpStatusCode.Created);

        var user = await api.Identity.Cognito.AdminGetUserAsync(email, CancellationToken.None);
        Assert.NotNull(user);
        Assert.True(user.EmailVerified);
        await using (var scope = api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
            Assert.Equal(email, (await db.People.SingleAsync(p => p.CognitoSub == user.Sub)).Email);
        }

        // The same person starts another business; the request's password is ignored, not a way into the account.
        var secondSlug = slug + "-2";
        await (await api.CreateClient().PostAsJsonAsync(
                "/api/v1/tenants", new SignUpRequest(secondSlug, "Second", "Etc/UTC", "GBP", email.ToUpperInvariant(), "Founder", "Another-passw0rd!"), ApiFactory.Json))
            .ShouldBe(HttpStatusCode.Created);
        var me = await api.SignedInAsync(email);
        await (await me.GetAsync($"/api/v1/tenants/{slug}/policy")).ShouldBe(HttpStatusCode.OK);
        await (await me.GetAsync($"/api/v1/tenants/{secondSlug}/policy")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(user.Sub, (await api.Identity.Cognito.AdminGetUserAsync(email, CancellationToken.None))!.Sub);
    }

    [Fact]
    public async Task Sign_up_without_a_password_invites_the_owner_by_email()
    {
        var slug = "t-" + Guid.NewGuid().ToString("N")[..12];
        var email = $"invited-{slug}@example.test";
        await (await api.CreateClient().PostAsJsonAsync("/api/v1/tenants", new SignUpRequest(slug, "Invited", "Etc/UTC", "GBP", email, "Owner"), ApiFactory.Json))
            .ShouldBe(HttpStatusCode.Created);

        var user = await api.Identity.Cognito.AdminGetUserAsync(email, CancellationToken.None);
        Assert.NotNull(user);
        await Assert.ThrowsAnyAsync<Exception>(() => api.Identity.Cognito.InitiateAuthAsync(api.Identity.ClientId(), email, TestIdentity.Password, CancellationToken.None));
    }

    [Fact]
    public async Task A_signed_in_customer_books_as_themselves_at_two_businesses_and_sees_both_bookings()
    {
        var first = await BookingScenario.CreateAsync(api, quantity: 2, priceMinor: 0);
        var second = await BookingScenario.CreateAsync(api, quantity: 2, priceMinor: 0);
        // Only a pool user: the API meets this person for the first time at their first call.
        var email = $"customer-{Guid.NewGuid():N}@example.test";
        await api.Identity.Cognito.EnsureUserAsync(email, TestIdentity.Password, CancellationToken.None);
        var me = await api.SignedInAsync(email);

        var a = await (await first.HoldAsync(me, new HoldRequest(first.PackageId, BookingScenario.SlotOnDay(3, 10), 1, null))).ReadAsync<BookingDto>(HttpStatusCode.Created);
        var b = await (await second.HoldAsync(me, new HoldRequest(second.PackageId, BookingScenario.SlotOnDay(3, 11), 1, null))).ReadAsync<BookingDto>(HttpStatusCode.Created);

        var mine = await (await me.GetAsync("/api/v1/me/bookings")).ReadAsync<PagedResult<BookingDto>>();
        Assert.Equal([a.Id, b.Id], mine.Items.Select(x => x.Id).Order());
        var atFirst = Assert.Single(mine.Items, x => x.Id == a.Id);
        Assert.Equal(first.Tenant.Slug, atFirst.Business?.Slug);
        Assert.Equal("Paddle", atFirst.PackageName);

        // One business's page asks for its own bookings only.
        var onlyFirst = await (await me.GetAsync($"/api/v1/me/bookings?business={first.Tenant.Slug}")).ReadAsync<PagedResult<BookingDto>>();
        Assert.Equal([a.Id], onlyFirst.Items.Select(x => x.Id));
        Assert.Equal(1, onlyFirst.Total);
        await (await me.GetAsync($"/api/v1/bookings/{a.Id}")).ShouldBe(HttpStatusCode.OK);

        // Someone else signed in sees neither.
        var other = $"other-{Guid.NewGuid():N}@example.test";
        await api.Identity.Cognito.EnsureUserAsync(other, TestIdentity.Password, CancellationToken.None);
        var stranger = await api.SignedInAsync(other);
        await (await stranger.GetAsync($"/api/v1/bookings/{a.Id}")).ShouldBe(HttpStatusCode.NotFound);
        Assert.Empty((await (await stranger.GetAsync("/api/v1/me/bookings")).ReadAsync<PagedResult<BookingDto>>()).Items);
    }
}
