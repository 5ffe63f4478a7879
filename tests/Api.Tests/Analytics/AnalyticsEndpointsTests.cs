using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Analytics;
using BookingAws.Api.Features.Inventory;
using BookingAws.Api.Features.Packages;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Analytics;
using BookingAws.Shared.Data;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace BookingAws.Api.Tests.Analytics;

[Collection(ApiCollection.Name)]
public sealed class AnalyticsEndpointsTests(ApiFactory api)
{
    [Fact]
    public async Task The_dashboard_reads_daily_totals_over_packages_from_the_projection()
    {
        var tenant = await api.CreateTenantAsync();
        var other = await api.CreateTenantAsync();
        var day = new LocalDate(2030, 5, 1);
        await using (var scope = api.Services.CreateAsyncScope())
        {
            // Rows as the workers' analytics projection writes them (in the workers' system scope).
            using var rowScope = DatabaseScope.System("test setup: the analytics projection's rows");
            var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
            db.AddRange(
                new TenantDailyStat { TenantId = tenant.Id, Date = day, PackageId = Guid.NewGuid(), Bookings = 2, Seats = 3, RevenueMinor = 9000, BookedMinutes = 360 },
                new TenantDailyStat { TenantId = tenant.Id, Date = day, PackageId = Guid.NewGuid(), Bookings = 1, Seats = 1, RevenueMinor = 3000, Cancellations = 1, BookedMinutes = 60 },
                new TenantDailyStat { TenantId = tenant.Id, Date = day.PlusDays(40), PackageId = Guid.NewGuid(), Bookings = 5, Seats = 5 },
                new TenantDailyStat { TenantId = other.Id, Date = day, PackageId = Guid.NewGuid(), Bookings = 99, Seats = 99 });
            await db.SaveChangesAsync();
        }

        var figures = await Eventually.Until(
            async () => await (await tenant.Owner.GetAsync(tenant.Url("/analytics/daily?from=2030-05-01&to=2030-05-31"))).ReadAsync<List<DailyFiguresDto>>(),
            f => f.Count > 0);

        Assert.Equal([new DailyFiguresDto(new DateOnly(2030, 5, 1), 3, 4, 12000, "GBP", 1, 420)], figures);
        await (await tenant.Owner.GetAsync(tenant.Url("/analytics/daily?from=2030-05-01&to=2031-06-01"))).ShouldBeProblem(HttpStatusCode.BadRequest, "to");
    }

    [Fact]
    public async Task The_dashboard_compares_packages_over_a_range_and_charts_one_package_by_day()
    {
        var tenant = await api.CreateTenantAsync();
        var other = await api.CreateTenantAsync();
        var item = await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/inventory"), new InventoryItemRequest("Kayak", 4), ApiFactory.Json)).ReadAsync<InventoryItemDto>(HttpStatusCode.Created);
        async Task<Guid> PackageAsync(string name) =>
            (await (await tenant.Owner.PostAsJsonAsync(tenant.Url("/packages"), new PackageRequest(name, null, 60, 3000, 4, [new(item.Id, 1, true)]), ApiFactory.Json))
                .ReadAsync<PackageDto>(HttpStatusCode.Created)).Id;
        var tour = await PackageAsync("Harbour tour");
        var lesson = await PackageAsync("Lesson");
        var idle = await PackageAsync("Sunset paddle");
        var day = new LocalDate(2030, 6, 1);
        await using (var scope = api.Services.CreateAsyncScope())
        {
            // Rows as the workers' analytics projection writes them (in the workers' system scope).
            using var rowScope = DatabaseScope.System("test setup: the analytics projection's rows");
            var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
            db.AddRange(
                new TenantDailyStat { TenantId = tenant.Id, Date = day, PackageId = tour, Bookings = 2, Seats = 3, RevenueMinor = 9000, Cancellations = 1, BookedMinutes = 180 },
                new TenantDailyStat { TenantId = tenant.Id, Date = day.PlusDays(1), PackageId = tour, Bookings = 1, Seats = 1, RevenueMinor = 3000, BookedMinutes = 60 },
                new TenantDailyStat { TenantId = tenant.Id, Date = day, PackageId = lesson, Bookings = 1, Seats = 2, RevenueMinor = 6000, BookedMinutes = 120 },
                new TenantDailyStat { TenantId = tenant.Id, Date = day.PlusDays(40), PackageId = lesson, Bookings = 7, Seats = 7 },
                new TenantDailyStat { TenantId = other.Id, Date = day, PackageId = tour, Bookings = 99, Seats = 99 });
            await db.SaveChangesAsync();
        }

        var packages = await Eventually.Until(
            async () => await (await tenant.Owner.GetAsync(tenant.Url("/analytics/packages?from=2030-06-01&to=2030-06-30"))).ReadAsync<List<PackageFiguresDto>>(),
            f => f.Any(p => p.Bookings > 0));
        var tourDays = await (await tenant.Owner.GetAsync(tenant.Url($"/analytics/daily?from=2030-06-01&to=2030-06-30&packageId={tour}"))).ReadAsync<List<DailyFiguresDto>>();
        var strangers = await (await other.Owner.GetAsync(other.Url($"/analytics/daily?from=2030-06-01&to=2030-06-30&packageId={lesson}"))).ReadAsync<List<DailyFiguresDto>>();

        // Busiest first; a package nobody booked is listed at zero so it can be compared too.
        Assert.Equal(
            [
                new PackageFiguresDto(tour, "Harbour tour", false, 3, 4, 12000, "GBP", 1, 240),
                new PackageFiguresDto(lesson, "Lesson", false, 1, 2, 6000, "GBP", 0, 120),
                new PackageFiguresDto(idle, "Sunset paddle", false, 0, 0, 0, "GBP", 0, 0),
            ],
            packages);
        Assert.Equal(
            [new DailyFiguresDto(new DateOnly(2030, 6, 1), 2, 3, 9000, "GBP", 1, 180), new DailyFiguresDto(new DateOnly(2030, 6, 2), 1, 1, 3000, "GBP", 0, 60)],
            tourDays);
        Assert.Empty(strangers);
        await (await tenant.Owner.GetAsync(tenant.Url("/analytics/packages?from=2030-06-30&to=2030-06-01"))).ShouldBeProblem(HttpStatusCode.BadRequest, "to");
    }
}
