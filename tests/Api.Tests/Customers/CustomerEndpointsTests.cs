using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Customers;
using BookingAws.Api.Infrastructure;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Staff;

namespace BookingAws.Api.Tests.Customers;

[Collection(ApiCollection.Name)]
public sealed class CustomerEndpointsTests(ApiFactory api)
{
    [Fact]
    public async Task Customers_are_created_read_and_updated_by_staff()
    {
        var tenant = await api.CreateTenantAsync();
        var staff = await api.AddUserAsync(tenant, Roles.Staff);

        var created = await (await staff.PostAsJsonAsync(tenant.Url("/customers"), new CustomerRequest("Ada@Example.test", "Ada", "+44 20 1234", null), ApiFactory.Json))
            .ReadAsync<CustomerDto>(HttpStatusCode.Created);
        var updated = await (await staff.PutAsJsonAsync(tenant.Url($"/customers/{created.Id}"), new CustomerRequest("ada@example.test", "Ada Lovelace", null, "VIP"), ApiFactory.Json))
            .ReadAsync<CustomerDto>();
        var read = await (await staff.GetAsync(tenant.Url($"/customers/{created.Id}"))).ReadAsync<CustomerDto>();

        Assert.Equal("ada@example.test", created.Email);
        Assert.Equal(("Ada Lovelace", "VIP"), (updated.Name, updated.Notes));
        Assert.Equal(updated, read);
    }

    [Fact]
    public async Task The_same_email_twice_in_one_business_is_409_but_fine_in_another()
    {
        var tenant = await api.CreateTenantAsync();
        var other = await api.CreateTenantAsync();
        var request = new CustomerRequest("same@example.test", "Same", null, null);

        await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/customers"), request, ApiFactory.Json)).ShouldBe(HttpStatusCode.Created);
        await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/customers"), request with { Email = "SAME@example.test" }, ApiFactory.Json))
            .ShouldBeProblem(HttpStatusCode.Conflict);
        await (await other.Owner.PostAsJsonAsync(other.Url("/customers"), request, ApiFactory.Json)).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Customers_are_paged_and_searchable_by_name_or_email()
    {
        var tenant = await api.CreateTenantAsync();
        for (var i = 0; i < 25; i++)
        {
            var name = i % 5 == 0 ? $"Smith {i:00}" : $"Jones {i:00}";
            await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/customers"), new CustomerRequest($"c{i}@example.test", name, null, null), ApiFactory.Json))
                .ShouldBe(HttpStatusCode.Created);
        }

        var page2 = await (await tenant.Owner.GetAsync(tenant.Url("/customers?page=2&pageSize=10"))).ReadAsync<PagedResult<CustomerDto>>();
        var page3 = await (await tenant.Owner.GetAsync(tenant.Url("/customers?page=3&pageSize=10"))).ReadAsync<PagedResult<CustomerDto>>();
        var smiths = await (await tenant.Owner.GetAsync(tenant.Url("/customers?q=smith"))).ReadAsync<PagedResult<CustomerDto>>();
        var byEmail = await (await tenant.Owner.GetAsync(tenant.Url("/customers?q=c13@"))).ReadAsync<PagedResult<CustomerDto>>();
        var wildcard = await (await tenant.Owner.GetAsync(tenant.Url("/customers?q=%25"))).ReadAsync<PagedResult<CustomerDto>>();

        Assert.Equal(25, page2.Total);
        Assert.Equal(10, page2.Items.Count);
        Assert.Equal(5, page3.Items.Count);
        Assert.Equal(5, smiths.Total);
        Assert.All(smiths.Items, c => Assert.StartsWith("Smith", c.Name));
        Assert.Equal("c13@example.test", Assert.Single(byEmail.Items).Email);
        Assert.Equal(0, wildcard.Total);
    }

    [Fact]
    public async Task Bad_paging_and_bad_emails_name_the_field_and_unknown_ids_are_404()
    {
        var tenant = await api.CreateTenantAsync();

        await (await tenant.Owner.GetAsync(tenant.Url("/customers?pageSize=1000"))).ShouldBeProblem(HttpStatusCode.BadRequest, "pageSize");
        await (await tenant.Owner.GetAsync(tenant.Url("/customers?page=0"))).ShouldBeProblem(HttpStatusCode.BadRequest, "page");
        await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/customers"), new CustomerRequest("nope", "N", null, null), ApiFactory.Json))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "email");
        await (await tenant.Owner.GetAsync(tenant.Url($"/customers/{Guid.NewGuid()}"))).ShouldBe(HttpStatusCode.NotFound);
    }
}
