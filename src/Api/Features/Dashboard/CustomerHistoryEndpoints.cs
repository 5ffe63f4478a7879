using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Customers;
using BookingAws.Api.Features.Payments;
using BookingAws.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Api.Features.Dashboard;

/// <summary>A customer with their bookings at this business, newest first, and what they have spent there.</summary>
public sealed record CustomerHistoryDto(CustomerDto Customer, List<BookingDto> Bookings, long TotalSpentMinor, string Currency, bool Truncated);

public static class CustomerHistoryEndpoints
{
    public const int MaxBookings = 200;

    public static void MapCustomerHistoryEndpoints(this RouteGroupBuilder dashboard) =>
        dashboard.MapGet("/customers/{id:guid}/history", History).WithName("GetCustomerHistory").WithTags("Customers");

    /// <summary>
    /// Total spent counts what was paid and kept: every booking that was confirmed (a cancelled one too, if it had
    /// been), less the refunds not failed or cancelled. A hold never confirmed was never paid. The total covers all
    /// the customer's bookings even when the list is cut at <see cref="MaxBookings"/>.
    /// </summary>
    public static async Task<Results<Ok<CustomerHistoryDto>, NotFound>> History(Guid id, TenantContext scope, ReadSession reads, IClock clock, CancellationToken ct)
    {
        var db = await reads.ReaderAsync(ct);
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (customer is null)
        {
            return TypedResults.NotFound();
        }

        var tenant = scope.Tenant;
        var bookings = db.Bookings.Where(b => b.CustomerId == id);
        var paid = await bookings.Where(b => b.ConfirmedAt != null).SumAsync(b => (long?)b.AmountMinor, ct) ?? 0;
        var rows = await bookings.OrderByDescending(b => b.StartsAt).ThenBy(b => b.Id).Take(MaxBookings + 1).ToListAsync(ct);
        var now = clock.GetCurrentInstant();
        var dtos = await BookingRefundViews.WithRefundsAsync(
            db, rows.Take(MaxBookings).Select(b => BookingDto.From(b, tenant.TimeZone, tenant.Policy, now)).ToList(), ct);
        var allIds = await bookings.Select(b => b.Id).ToListAsync(ct);
        var refunds = await BookingRefundViews.ForAsync(db, allIds, ct);
        var refunded = refunds.Values.SelectMany(r => r).Where(r => r.Status is not ("failed" or "canceled")).Sum(r => r.AmountMinor);
        return TypedResults.Ok(new CustomerHistoryDto(CustomerDto.From(customer), dtos, paid - refunded, tenant.Currency, rows.Count > MaxBookings));
    }
}
