using System.Net;
using BookingAws.Api.Features.Dashboard;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Staff;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Api.Tests.Dashboard;

/// <summary>What the dashboard asks before it shows anything: how to sign in, and which businesses are yours.</summary>
[Collection(ApiCollection.Name)]
public sealed class DashboardEndpointsTests(ApiFactory api)
{
    [Fact]
    public async Task Anyone_learns_the_user_pool_endpoint_and_the_dashboards_app_client_without_signing_in()
    {
        var config = await (await api.CreateClient().GetAsync("/api/v1/dashboard/config")).ReadAsync<DashboardConfigDto>();

        var settings = api.Services.GetRequiredService<IConfiguration>();
        Assert.Equal(settings["Auth:ClientIds:0"], config.ClientId);
        Assert.Equal(settings["Cognito:ServiceUrl"]!.TrimEnd('/') + "/", config.CognitoUrl);
        Assert.False(string.IsNullOrEmpty(config.Region));
    }

    [Fact]
    public async Task A_person_sees_the_businesses_they_work_at_with_their_role_and_none_of_anyone_elses()
    {
        var mine = await api.CreateTenantAsync(timeZone: "America/New_York", currency: "USD");
        var staffAt = await api.CreateTenantAsync();
        var stranger = await api.CreateTenantAsync();
        var email = $"person-{Guid.NewGuid():N}@example.test";
        var me = await api.AddUserAsync(mine, Roles.Owner, email);
        await api.AddUserAsync(staffAt, Roles.Staff, email);

        var businesses = await (await me.GetAsync("/api/v1/me/businesses")).ReadAsync<List<MyBusinessDto>>();

        Assert.Equal(
            new[] { (mine.Slug, Roles.Owner, "America/New_York", "USD"), (staffAt.Slug, Roles.Staff, "Europe/London", "GBP") }.OrderBy(b => b.Slug),
            businesses.Select(b => (b.Slug, b.Role, b.TimeZone, b.Currency)).OrderBy(b => b.Slug));
        Assert.DoesNotContain(businesses, b => b.Slug == stranger.Slug);
    }

    [Fact]
    public async Task The_list_of_businesses_needs_a_sign_in()
    {
        await (await api.CreateClient().GetAsync("/api/v1/me/businesses")).ShouldBe(HttpStatusCode.Unauthorized);
    }
}
