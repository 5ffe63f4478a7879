using System.Net;
using System.Net.Http.Json;
using System.Text;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Domain.Tenants;

namespace BookingAws.Api.Tests.Tenants;

[Collection(ApiCollection.Name)]
public sealed class TenantEndpointsTests(ApiFactory api)
{
    [Fact]
    public async Task Sign_up_creates_the_business_and_its_owner_can_read_it()
    {
        var tenant = await api.CreateTenantAsync("America/New_York", "USD");

        var read = await (await tenant.Owner.GetAsync(tenant.Url())).ReadAsync<TenantDto>();

        Assert.Equal(tenant.Slug, read.Slug);
        Assert.Equal("America/New_York", read.TimeZone);
        Assert.Equal("USD", read.Currency);
        Assert.Equal(10, read.Policy.HoldMinutes);
    }

    [Fact]
    public async Task Sign_up_with_a_taken_slug_is_409()
    {
        var tenant = await api.CreateTenantAsync();

        var response = await api.CreateClient().PostAsJsonAsync(
            "/api/v1/tenants", new SignUpRequest(tenant.Slug, "Copy", "Europe/London", "GBP", $"{Guid.NewGuid():N}@example.test", "X"), ApiFactory.Json);

        await response.ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Sign_up_with_an_owner_email_already_in_use_starts_a_second_business_for_that_person()
    {
        var email = $"{Guid.NewGuid():N}@example.test";
        var client = api.CreateClient();
        (await client.PostAsJsonAsync("/api/v1/tenants", new SignUpRequest("a-" + Guid.NewGuid().ToString("N")[..10], "A", "Europe/London", "GBP", email, "A"), ApiFactory.Json)).EnsureSuccessStatusCode();

        var second = await client.PostAsJsonAsync(
            "/api/v1/tenants", new SignUpRequest("b-" + Guid.NewGuid().ToString("N")[..10], "B", "Europe/London", "GBP", email.ToUpperInvariant(), "B"), ApiFactory.Json);

        // One person may run several businesses; the answer does not reveal that the email was known.
        await second.ShouldBe(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("Bad Slug!", "Europe/London", "GBP", "ownerEmail@example.test", "slug")]
    [InlineData("ok-slug", "Mars/Olympus", "GBP", "owner@example.test", "timeZone")]
    [InlineData("ok-slug", "Europe/London", "XYZ", "owner@example.test", "currency")]
    [InlineData("ok-slug", "Europe/London", "GBP", "not-an-email", "ownerEmail")]
    public async Task Sign_up_with_invalid_fields_names_the_field(string slug, string zone, string currency, string email, string field)
    {
        var response = await api.CreateClient().PostAsJsonAsync(
            "/api/v1/tenants", new SignUpRequest(slug, "Name", zone, currency, email, "Owner"), ApiFactory.Json);

        await response.ShouldBeProblem(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Malformed_json_is_400_problem_details_not_500()
    {
        using var content = new StringContent("{\"slug\": \"abc\", ", Encoding.UTF8, "application/json");

        var response = await api.CreateClient().PostAsync("/api/v1/tenants", content);

        await response.ShouldBeProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Owner_updates_name_zone_and_policy()
    {
        var tenant = await api.CreateTenantAsync();

        var updated = await (await tenant.Owner.PutAsJsonAsync(tenant.Url(), new UpdateTenantRequest("Renamed", "Asia/Kolkata", "acct_123"), ApiFactory.Json))
            .ReadAsync<TenantDto>();
        var policy = new BookingPolicyDto(30, 60, 15, 5, 10, 20, 12, 48, RefundRule.PartialAfterWindow, 50, 20);
        await (await tenant.Owner.PutAsJsonAsync(tenant.Url("/policy"), policy, ApiFactory.Json)).ShouldBe(HttpStatusCode.OK);

        var read = await (await tenant.Owner.GetAsync(tenant.Url())).ReadAsync<TenantDto>();
        Assert.Equal("Renamed", updated.Name);
        Assert.Equal("Asia/Kolkata", read.TimeZone);
        Assert.Equal("acct_123", read.StripeAccountId);
        Assert.Equal(policy, read.Policy);
    }

    [Fact]
    public async Task Policy_out_of_range_names_the_field()
    {
        var tenant = await api.CreateTenantAsync();
        var policy = new BookingPolicyDto(30, 60, 1, 5, 10, 20, 12, 48, RefundRule.FullBeforeWindow, 0);

        var response = await tenant.Owner.PutAsJsonAsync(tenant.Url("/policy"), policy, ApiFactory.Json);

        await response.ShouldBeProblem(HttpStatusCode.BadRequest, "slotStepMinutes");
    }

    [Fact]
    public async Task Staff_can_read_settings_but_not_change_them()
    {
        var tenant = await api.CreateTenantAsync();
        var staff = await api.AddUserAsync(tenant, Roles.Staff);

        await (await staff.GetAsync(tenant.Url("/policy"))).ShouldBe(HttpStatusCode.OK);
        var response = await staff.PutAsJsonAsync(tenant.Url(), new UpdateTenantRequest("Hijack", "Europe/London", null), ApiFactory.Json);

        await response.ShouldBe(HttpStatusCode.Forbidden);
    }
}
