using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Catalog;
using BookingAws.Api.Features.Inventory;
using BookingAws.Api.Features.Packages;
using BookingAws.Api.Tests.Infrastructure;

namespace BookingAws.Api.Tests.Catalog;

[Collection(ApiCollection.Name)]
public sealed class InventoryAndPackageTests(ApiFactory api)
{
    [Fact]
    public async Task Inventory_items_are_created_read_updated_listed_and_archived()
    {
        var tenant = await api.CreateTenantAsync();

        var created = await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/inventory"), new InventoryItemRequest("Kayak", 5), ApiFactory.Json))
            .ReadAsync<InventoryItemDto>(HttpStatusCode.Created);
        var updated = await (await tenant.Owner.PutAsJsonAsync(tenant.Url($"/inventory/{created.Id}"), new InventoryItemRequest("Sea kayak", 7), ApiFactory.Json))
            .ReadAsync<InventoryItemDto>();
        var read = await (await tenant.Owner.GetAsync(tenant.Url($"/inventory/{created.Id}"))).ReadAsync<InventoryItemDto>();
        await (await tenant.Owner.PostAsync(tenant.Url($"/inventory/{created.Id}/archive"), null)).ShouldBe(HttpStatusCode.OK);
        var active = await (await tenant.Owner.GetAsync(tenant.Url("/inventory"))).ReadAsync<List<InventoryItemDto>>();
        var all = await (await tenant.Owner.GetAsync(tenant.Url("/inventory?includeArchived=true"))).ReadAsync<List<InventoryItemDto>>();

        Assert.Equal(("Sea kayak", 7), (updated.Name, updated.Quantity));
        Assert.Equal(("Sea kayak", 7), (read.Name, read.Quantity));
        Assert.Empty(active);
        Assert.True(Assert.Single(all).Archived);
    }

    [Fact]
    public async Task Inventory_validation_names_the_field_and_unknown_ids_are_404()
    {
        var tenant = await api.CreateTenantAsync();

        await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/inventory"), new InventoryItemRequest("Kayak", -1), ApiFactory.Json))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "quantity");
        await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/inventory"), new { quantity = 1 }, ApiFactory.Json))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "name");
        await (await tenant.Owner.GetAsync(tenant.Url($"/inventory/{Guid.NewGuid()}"))).ShouldBe(HttpStatusCode.NotFound);
        await (await tenant.Owner.PutAsJsonAsync(tenant.Url($"/inventory/{Guid.NewGuid()}"), new InventoryItemRequest("X", 1), ApiFactory.Json))
            .ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Packages_consume_inventory_and_take_the_business_currency()
    {
        var tenant = await api.CreateTenantAsync(currency: "EUR");
        var kayak = await CreateItemAsync(tenant, "Kayak", 6);
        var guide = await CreateItemAsync(tenant, "Guide", 2);

        var request = new PackageRequest("Tour", "Two hours on the river", 120, 4500, 4,
            [new PackageInventoryDto(kayak.Id, 1, true), new PackageInventoryDto(guide.Id, 1, false)]);
        var created = await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/packages"), request, ApiFactory.Json)).ReadAsync<PackageDto>(HttpStatusCode.Created);
        var update = request with { PriceMinor = 5000, Inventory = [new PackageInventoryDto(kayak.Id, 2, true)] };
        var updated = await (await tenant.Owner.PutAsJsonAsync(tenant.Url($"/packages/{created.Id}"), update, ApiFactory.Json)).ReadAsync<PackageDto>();
        var read = await (await tenant.Owner.GetAsync(tenant.Url($"/packages/{created.Id}"))).ReadAsync<PackageDto>();

        Assert.Equal("EUR", created.Currency);
        Assert.Equal(2, created.Inventory.Count);
        Assert.Equal(5000, updated.PriceMinor);
        Assert.Equal([new PackageInventoryDto(kayak.Id, 2, true)], read.Inventory);
    }

    [Fact]
    public async Task Packages_reject_unknown_or_foreign_inventory_and_bad_values()
    {
        var tenant = await api.CreateTenantAsync();
        var other = await api.CreateTenantAsync();
        var foreign = await CreateItemAsync(other, "Their kayak", 3);
        var mine = await CreateItemAsync(tenant, "Kayak", 3);

        await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/packages"), Package([new PackageInventoryDto(foreign.Id, 1, true)]), ApiFactory.Json))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "inventory");
        await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/packages"), Package([]), ApiFactory.Json))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "inventory");
        await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/packages"), Package([new PackageInventoryDto(mine.Id, 1, true)]) with { DurationMinutes = 0 }, ApiFactory.Json))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "durationMinutes");
        await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/packages"), Package([new PackageInventoryDto(mine.Id, 0, true)]), ApiFactory.Json))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "inventory[0].units");
        await (await tenant.Owner.GetAsync(tenant.Url($"/packages/{Guid.NewGuid()}"))).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Public_catalogue_shows_active_packages_without_a_token()
    {
        var tenant = await api.CreateTenantAsync();
        var kayak = await CreateItemAsync(tenant, "Kayak", 3);
        var kept = await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/packages"), Package([new PackageInventoryDto(kayak.Id, 1, true)]) with { Name = "Kept" }, ApiFactory.Json))
            .ReadAsync<PackageDto>(HttpStatusCode.Created);
        var gone = await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/packages"), Package([new PackageInventoryDto(kayak.Id, 1, true)]) with { Name = "Gone" }, ApiFactory.Json))
            .ReadAsync<PackageDto>(HttpStatusCode.Created);
        await (await tenant.Owner.PostAsync(tenant.Url($"/packages/{gone.Id}/archive"), null)).ShouldBe(HttpStatusCode.OK);

        // The catalogue reads the replica: eventually consistent by design, so poll with a deadline.
        var anonymous = api.CreateClient();
        var catalog = await Eventually.Until(
            async () => await (await anonymous.GetAsync(tenant.Url("/catalog"))).ReadAsync<CatalogDto>(),
            c => c.Packages.Count == 1);

        Assert.Equal(kept.Id, Assert.Single(catalog.Packages).Id);
        await (await anonymous.GetAsync("/api/v1/tenants/no-such-business/catalog")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    private static PackageRequest Package(List<PackageInventoryDto> inventory) => new("Tour", null, 60, 1000, 2, inventory);

    private static async Task<InventoryItemDto> CreateItemAsync(TestTenant tenant, string name, int quantity) =>
        await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/inventory"), new InventoryItemRequest(name, quantity), ApiFactory.Json))
            .ReadAsync<InventoryItemDto>(HttpStatusCode.Created);
}
