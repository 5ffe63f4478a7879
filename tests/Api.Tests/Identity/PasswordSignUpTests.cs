using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Api.Tests.Identity;

/// <summary>
/// As in AWS (Auth:PasswordSignUp off): a sign-up may not choose the owner's password, or anyone could create a
/// signed-in account for someone else's email address and be handed that person's businesses and bookings.
/// </summary>
public sealed class PasswordSignUpTests(PasswordSignUpTests.InvitationOnlyApi api) : IClassFixture<PasswordSignUpTests.InvitationOnlyApi>
{
    [Fact]
    public async Task A_sign_up_that_sets_a_password_is_refused_and_creates_nobody_in_the_pool()
    {
        var slug = "t-" + Guid.NewGuid().ToString("N")[..12];
        var email = $"victim-{slug}@example.test";
        var response = await api.CreateClient().PostAsJsonAsync(
            "/api/v1/tenants", new SignUpRequest(slug, "Taken over", "Etc/UTC", "GBP", email, "Owner", TestIdentity.Password), ApiFactory.Json);

        await response.ShouldBeProblem(HttpStatusCode.BadRequest, "ownerPassword");
        Assert.Null(await api.Services.GetRequiredService<CognitoClient>().AdminGetUserAsync(email, CancellationToken.None));
        await using var scope = api.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<BookingDbContext>().Tenants.AnyAsync(t => t.Slug == slug));
    }

    [Fact]
    public async Task Without_a_password_the_owner_is_invited_and_the_business_is_created()
    {
        var slug = "t-" + Guid.NewGuid().ToString("N")[..12];
        var email = $"owner-{slug}@example.test";
        var response = await api.CreateClient().PostAsJsonAsync(
            "/api/v1/tenants", new SignUpRequest(slug, "Invited", "Etc/UTC", "GBP", email, "Owner"), ApiFactory.Json);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(await api.Services.GetRequiredService<CognitoClient>().AdminGetUserAsync(email, CancellationToken.None));
    }

    public sealed class InvitationOnlyApi : ApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Auth:PasswordSignUp", "false");
        }
    }
}
