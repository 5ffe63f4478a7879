using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Hours;
using BookingAws.Api.Tests.Infrastructure;

namespace BookingAws.Api.Tests.Hours;

[Collection(ApiCollection.Name)]
public sealed class HoursAndClosuresTests(ApiFactory api)
{
    [Fact]
    public async Task Weekly_hours_are_replaced_as_a_whole()
    {
        var tenant = await api.CreateTenantAsync();
        var first = new WeeklyHoursRequest([new(DayOfWeek.Monday, new(9, 0), new(12, 0)), new(DayOfWeek.Monday, new(13, 0), new(17, 0))]);
        var second = new WeeklyHoursRequest([new(DayOfWeek.Saturday, new(10, 0), new(14, 0))]);

        await (await tenant.Owner.PutAsJsonAsync(tenant.Url("/hours"), first, ApiFactory.Json)).ShouldBe(HttpStatusCode.OK);
        var saved = await (await tenant.Owner.PutAsJsonAsync(tenant.Url("/hours"), second, ApiFactory.Json)).ReadAsync<List<OpeningIntervalDto>>();
        var read = await (await tenant.Owner.GetAsync(tenant.Url("/hours"))).ReadAsync<List<OpeningIntervalDto>>();

        Assert.Equal(second.Intervals, saved);
        Assert.Equal(second.Intervals, read);
    }

    [Fact]
    public async Task Hours_that_close_before_they_open_or_overlap_name_the_interval()
    {
        var tenant = await api.CreateTenantAsync();

        await (await tenant.Owner.PutAsJsonAsync(tenant.Url("/hours"), new WeeklyHoursRequest([new(DayOfWeek.Monday, new(12, 0), new(9, 0))]), ApiFactory.Json))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "intervals[0].closes");
        await (await tenant.Owner.PutAsJsonAsync(
                tenant.Url("/hours"),
                new WeeklyHoursRequest([new(DayOfWeek.Monday, new(9, 0), new(12, 0)), new(DayOfWeek.Monday, new(11, 0), new(15, 0))]),
                ApiFactory.Json))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "intervals[1].opens");
        await (await tenant.Owner.PutAsync(tenant.Url("/hours"), JsonContent.Create(new { intervals = new[] { new { day = "Funday", opens = "09:00", closes = "10:00" } } })))
            .ShouldBeProblem(HttpStatusCode.BadRequest);
        await (await tenant.Owner.PutAsync(tenant.Url("/hours"), JsonContent.Create(new { intervals = new[] { new { day = 9, opens = "09:00", closes = "10:00" } } })))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "intervals[0].day");
    }

    [Fact]
    public async Task Closures_are_added_listed_and_removed()
    {
        var tenant = await api.CreateTenantAsync();

        var closure = await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/closures"), new ClosureRequest(new(2030, 12, 24), new(2030, 12, 26), "Christmas"), ApiFactory.Json))
            .ReadAsync<ClosureDto>(HttpStatusCode.Created);
        var listed = await (await tenant.Owner.GetAsync(tenant.Url("/closures"))).ReadAsync<List<ClosureDto>>();
        await (await tenant.Owner.DeleteAsync(tenant.Url($"/closures/{closure.Id}"))).ShouldBe(HttpStatusCode.NoContent);
        var after = await (await tenant.Owner.GetAsync(tenant.Url("/closures"))).ReadAsync<List<ClosureDto>>();

        Assert.Equal(closure, Assert.Single(listed));
        Assert.Empty(after);
        await (await tenant.Owner.DeleteAsync(tenant.Url($"/closures/{closure.Id}"))).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_closure_that_ends_before_it_starts_is_400()
    {
        var tenant = await api.CreateTenantAsync();

        var response = await tenant.Owner.PostAsJsonAsync(tenant.Url("/closures"), new ClosureRequest(new(2030, 12, 26), new(2030, 12, 24), null), ApiFactory.Json);

        await response.ShouldBeProblem(HttpStatusCode.BadRequest, "endDate");
    }
}
