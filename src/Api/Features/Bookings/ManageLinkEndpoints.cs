using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Application.Bookings;
using BookingAws.Shared.Application.Payments;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Api.Features.Bookings;

/// <summary>
/// A booking as its "manage" link shows it: the booking (with the customer's deadlines), whose it is, and
/// the booking's cancellation and reschedule deadlines under its policy snapshot, whatever its state.
/// </summary>
public sealed record ManagedBookingDto(
    BookingDto Booking,
    string BusinessSlug,
    string BusinessName,
    string PackageName,
    DateTimeOffset CancelUntil,
    DateTimeOffset RescheduleUntil);

/// <summary>
/// The endpoints behind the link in confirmation and reminder emails, for guests without an account. The
/// <c>X-Booking-Token</c> header (from the link) is the credential: a wrong token is the same 404 as a
/// missing booking, so links cannot be used to probe for bookings. Changes are the customer's, under the
/// business's cancellation and reschedule windows.
/// </summary>
public static class ManageLinkEndpoints
{
    public const string TokenHeader = "X-Booking-Token";

    public static void MapManageLinkEndpoints(this RouteGroupBuilder api)
    {
        var manage = api.MapGroup("/bookings/{id:guid}/manage").WithTags("Bookings").AllowAnonymous();
        manage.MapGet("/", Get).WithName("GetBookingByLink");
        manage.MapPost("/cancel", Cancel).WithName("CancelBookingByLink");
        manage.MapPost("/reschedule", Reschedule).WithName("RescheduleBookingByLink");
    }

    public static async Task<Results<Ok<ManagedBookingDto>, ProblemHttpResult>> Get(
        Guid id, HttpContext http, BookingLinks links, BookingDbContext db, IClock clock, CancellationToken ct)
    {
        // The primary: the link is often opened straight from the confirmation email, before a replica has the booking.
        var found = links.IsValid(id, http.Request.Headers[TokenHeader]) ? await LoadAsync(db, id, clock.GetCurrentInstant(), ct) : null;
        return found is null ? NotFound() : TypedResults.Ok(found);
    }

    public static async Task<Results<Ok<ManagedBookingDto>, ProblemHttpResult>> Cancel(
        Guid id,
        CancelRequest? request,
        HttpContext http,
        BookingLinks links,
        BookingDbContext db,
        CancelBooking cancel,
        PaymentService payments,
        IClock clock,
        ILogger<CancelRequest> logger,
        CancellationToken ct)
    {
        if (!links.IsValid(id, http.Request.Headers[TokenHeader]) || await TenantOfAsync(db, id, ct) is not { } tenantId)
        {
            return NotFound();
        }

        var outcome = await cancel.RunAsync(tenantId, id, Actor.Customer, request?.Reason, ct);
        if (outcome is ChangeOutcome.Done { Booking: { PaymentIntentId: { } intentId } cancelled })
        {
            await BookingEndpoints.SettleCancelledPaymentAsync(payments, cancelled, intentId, logger, ct);
        }

        return await ResultAsync(outcome, db, id, clock, ct);
    }

    public static async Task<Results<Ok<ManagedBookingDto>, ProblemHttpResult>> Reschedule(
        Guid id, RescheduleRequest request, HttpContext http, BookingLinks links, BookingDbContext db, RescheduleBooking reschedule, IClock clock, CancellationToken ct)
    {
        DomainException.EnsureSaneDate(DateOnly.FromDateTime(request.StartsAt.UtcDateTime), "startsAt");
        if (!links.IsValid(id, http.Request.Headers[TokenHeader]) || await TenantOfAsync(db, id, ct) is not { } tenantId)
        {
            return NotFound();
        }

        var outcome = await reschedule.RunAsync(tenantId, id, Instant.FromDateTimeOffset(request.StartsAt), Actor.Customer, ct);
        return await ResultAsync(outcome, db, id, clock, ct);
    }

    private static async Task<Results<Ok<ManagedBookingDto>, ProblemHttpResult>> ResultAsync(
        ChangeOutcome outcome, BookingDbContext db, Guid id, IClock clock, CancellationToken ct)
    {
        if (outcome is not ChangeOutcome.Done)
        {
            return BookingEndpoints.ProblemFor(outcome);
        }

        return TypedResults.Ok((await LoadAsync(db, id, clock.GetCurrentInstant(), ct))!);
    }

    // The token already names the booking; which business it belongs to is read without the tenant filter.
    private static Task<Guid?> TenantOfAsync(BookingDbContext db, Guid id, CancellationToken ct) =>
        db.Bookings.IgnoreQueryFilters().Where(b => b.Id == id).Select(b => (Guid?)b.TenantId).FirstOrDefaultAsync(ct);

    private static async Task<ManagedBookingDto?> LoadAsync(BookingDbContext db, Guid id, Instant now, CancellationToken ct)
    {
        var row = await db.Bookings.IgnoreQueryFilters().AsNoTracking().Where(b => b.Id == id)
            .Join(db.Tenants, b => b.TenantId, t => t.Id, (b, t) => new { Booking = b, Tenant = t })
            .Join(db.Packages.IgnoreQueryFilters(), x => x.Booking.PackageId, p => p.Id, (x, p) => new { x.Booking, x.Tenant, PackageName = p.Name })
            .FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        var booking = row.Booking.WithPolicyOr(row.Tenant.Policy);
        return new ManagedBookingDto(
            BookingDto.From(booking, row.Tenant.TimeZone, row.Tenant.Policy, now),
            row.Tenant.Slug,
            row.Tenant.Name,
            row.PackageName,
            booking.CancellationDeadline.ToDateTimeOffset(),
            booking.RescheduleDeadline.ToDateTimeOffset());
    }

    private static ProblemHttpResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: "No such booking, or the link is not valid.");
}
