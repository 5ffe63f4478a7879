using System.Net;
using BookingAws.Api.Features.Dashboard;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Customers;
using BookingAws.Shared.Domain.Staff;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace BookingAws.Api.Tests.Dashboard;

/// <summary>A customer's history at one business, as the dashboard's Customers view shows it.</summary>
[Collection(ApiCollection.Name)]
public sealed class CustomerHistoryTests(ApiFactory api)
{
    [Fact]
    public async Task The_history_lists_the_customers_bookings_newest_first_and_counts_only_what_was_paid_and_kept()
    {
        var tenant = await api.CreateTenantAsync();
        var customer = await AddCustomerAsync(tenant.Id, "Mary Jackson");
        var start = SystemClock.Instance.GetCurrentInstant().Plus(Duration.FromDays(3));
        await AddBookingAsync(tenant.Id, customer, start, BookingStatus.Confirmed, 4000, confirmed: true);
        await AddBookingAsync(tenant.Id, customer, start.Plus(Duration.FromDays(1)), BookingStatus.Held, 2500, confirmed: false);
        await AddBookingAsync(tenant.Id, customer, start.Plus(Duration.FromDays(2)), BookingStatus.Cancelled, 1000, confirmed: true);
        await AddBookingAsync(tenant.Id, await AddCustomerAsync(tenant.Id, "Someone Else"), start, BookingStatus.Confirmed, 9999, confirmed: true);

        // Rows written straight to the primary reach the replica the API reads from a moment later.
        // Until then the customer may be unknown there (404), so the probe waits for the answer, not only its content.
        var history = await Eventually.Until(
            async () =>
            {
                var response = await tenant.Owner.GetAsync(tenant.Url($"/customers/{customer}/history"));
                return response.StatusCode == HttpStatusCode.OK ? await response.ReadAsync<CustomerHistoryDto>() : null;
            },
            h => h?.Bookings.Count == 3);
        Assert.NotNull(history);

        Assert.Equal("Mary Jackson", history.Customer.Name);
        Assert.Equal([BookingStatus.Cancelled, BookingStatus.Held, BookingStatus.Confirmed], history.Bookings.Select(b => b.Status));
        // The confirmed booking and the one confirmed then cancelled (no refund recorded); never the unpaid hold.
        Assert.Equal(5000, history.TotalSpentMinor);
        Assert.Equal("GBP", history.Currency);
        Assert.False(history.Truncated);
    }

    [Fact]
    public async Task Staff_may_read_a_history_but_another_business_cannot_see_the_customer()
    {
        var tenant = await api.CreateTenantAsync();
        var other = await api.CreateTenantAsync();
        var customer = await AddCustomerAsync(tenant.Id, "Grace");
        var staff = await api.AddUserAsync(tenant, Roles.Staff);

        // The customer row went straight to the primary: the API's replica has it a moment later.
        var seen = await Eventually.Until(() => staff.GetAsync(tenant.Url($"/customers/{customer}/history")), r => r.StatusCode == HttpStatusCode.OK);
        await seen.ShouldBe(HttpStatusCode.OK);
        await (await other.Owner.GetAsync(other.Url($"/customers/{customer}/history"))).ShouldBe(HttpStatusCode.NotFound);
        await (await api.CreateClient().GetAsync(tenant.Url($"/customers/{customer}/history"))).ShouldBe(HttpStatusCode.Unauthorized);
    }

    private async Task<Guid> AddCustomerAsync(Guid tenantId, string name)
    {
        await using var scope = api.Services.CreateAsyncScope();
        using var rows = DatabaseScope.System("test setup");
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var customer = new Customer { TenantId = tenantId, Email = $"{Guid.NewGuid():N}@example.test", Name = name, CreatedAt = SystemClock.Instance.GetCurrentInstant() };
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        return customer.Id;
    }

    private async Task AddBookingAsync(Guid tenantId, Guid customerId, Instant start, string status, long amountMinor, bool confirmed)
    {
        await using var scope = api.Services.CreateAsyncScope();
        using var rows = DatabaseScope.System("test setup");
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var package = new BookingAws.Shared.Domain.Catalog.Package
        {
            TenantId = tenantId,
            Name = "P",
            DurationMinutes = 60,
            PriceMinor = amountMinor,
            Currency = "GBP",
            MaxSeats = 1,
            CreatedAt = start,
        };
        db.Packages.Add(package);
        db.Bookings.Add(new Booking
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenantId,
            PackageId = package.Id,
            CustomerId = customerId,
            Seats = 1,
            StartsAt = start,
            EndsAt = start.Plus(Duration.FromHours(1)),
            Status = status,
            AmountMinor = amountMinor,
            Currency = "GBP",
            CreatedAt = start,
            ConfirmedAt = confirmed ? start : null,
            ExpiresAt = status == BookingStatus.Held ? start : null,
            CancelledAt = status == BookingStatus.Cancelled ? start : null,
        });
        await db.SaveChangesAsync();
    }
}
