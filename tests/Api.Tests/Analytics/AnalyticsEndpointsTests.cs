using System.Net;
using BookingAws.Api.Features.Analytics;
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
}
