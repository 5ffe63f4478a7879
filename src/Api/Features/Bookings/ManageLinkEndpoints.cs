using BookingAws.Api.Features.Availability;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Application.Bookings;
using BookingAws.Shared.Application.Payments;
using BookingAws.Shared.Data;
using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Bookings;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Api.Features.Bookings;

/// <summary>
/// The endpoints behind the link in confirmation and reminder emails, for guests without an account. The
/// <c>X-Booking-Token</c> header (from the link) is the credential: a wrong token is the same 404 as a
/// missing booking, so links cannot be used to probe for bookings; a genuine token of a booking that ended
/// longer ago than the grace period is 410. Changes are the customer's, under the booking's policy windows.
/// </summary>
public static class ManageLinkEndpoints
{
    public const string TokenHeader = "X-Booking-Token";

    public static void MapManageLinkEndpoints(this RouteGroupBuilder api)
    {
        var manage = api.MapGroup("/bookings/{id:guid}/manage").WithTags("Bookings").AllowAnonymous();
        manage.AddEndpointFilter<BookingScopeFilter>();
        manage.MapGet("/", Get).WithName("GetBookingByLink");
        manage.MapGet("/availability", Availability).WithName("GetAvailabilityByLink");
        manage.MapPost("/cancel", Cancel).WithName("CancelBookingByLink");
        manage.MapPost("/reschedule", Reschedule).WithName("RescheduleBookingByLink");
    }

    public static async Task<Results<Ok<ManagedBookingDto>, ProblemHttpResult>> Get(
        Guid id, HttpContext http, BookingLinks links, BookingDbContext db, IClock clock, CancellationToken ct)
    {
        // The primary: the link is often opened straight from the confirmation email, before a replica has the booking.
        if (await AdmitAsync(id, http, links, db, clock, ct) is { Problem: { } refused })
        {
            return refused;
        }

        return TypedResults.Ok((await LoadAsync(db, links, id, clock.GetCurrentInstant(), ct))!);
    }

    /// <summary>Slots of the booking's own service, so the page can offer a new time without knowing the package's id.</summary>
    public static async Task<Results<Ok<ManagedAvailabilityDto>, ProblemHttpResult>> Availability(
        Guid id,
        DateOnly from,
        DateOnly to,
        HttpContext http,
        BookingLinks links,
        BookingDbContext db,
        ReadDbContext read,
        AvailabilityReads reads,
        TenantContext scope,
        IClock clock,
        CancellationToken ct)
    {
        var admitted = await AdmitAsync(id, http, links, db, clock, ct);
        if (admitted.Booking is not { } booking)
        {
            return admitted.Problem!;
        }

        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == booking.TenantId, ct);
        scope.Set(tenant);
        read.TenantId = tenant.Id;
        var result = await AvailabilityEndpoints.GetAvailability(booking.PackageId, from, to, scope, reads, clock, ct);
        return result.Result is Ok<AvailabilityDto> { Value: { } a }
            ? TypedResults.Ok(new ManagedAvailabilityDto(a.TimeZone, a.From, a.To, a.Slots, a.WholeItemName))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: "This service is no longer offered; contact the business to change the time.");
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
        var admitted = await AdmitAsync(id, http, links, db, clock, ct);
        if (admitted.Booking is not { } booking)
        {
            return admitted.Problem!;
        }

        var outcome = await cancel.RunAsync(booking.TenantId, id, Actor.Customer, request?.Reason, ct);
        if (outcome is ChangeOutcome.Done { Booking: { PaymentIntentId: { } intentId } cancelled })
        {
            await BookingEndpoints.SettleCancelledPaymentAsync(payments, cancelled, intentId, logger, ct);
        }

        return await ResultAsync(outcome, db, links, id, clock, ct);
    }

    public static async Task<Results<Ok<ManagedBookingDto>, ProblemHttpResult>> Reschedule(
        Guid id, RescheduleRequest request, HttpContext http, BookingLinks links, BookingDbContext db, RescheduleBooking reschedule, IClock clock, CancellationToken ct)
    {
        DomainException.EnsureSaneDate(DateOnly.FromDateTime(request.StartsAt.UtcDateTime), "startsAt");
        var admitted = await AdmitAsync(id, http, links, db, clock, ct);
        if (admitted.Booking is not { } booking)
        {
            return admitted.Problem!;
        }

        var outcome = await reschedule.RunAsync(booking.TenantId, id, Instant.FromDateTimeOffset(request.StartsAt), Actor.Customer, ct);
        return await ResultAsync(outcome, db, links, id, clock, ct);
    }

    private static async Task<Results<Ok<ManagedBookingDto>, ProblemHttpResult>> ResultAsync(
        ChangeOutcome outcome, BookingDbContext db, BookingLinks links, Guid id, IClock clock, CancellationToken ct)
    {
        if (outcome is not ChangeOutcome.Done)
        {
            return BookingEndpoints.ProblemFor(outcome);
        }

        return TypedResults.Ok((await LoadAsync(db, links, id, clock.GetCurrentInstant(), ct))!);
    }

    private sealed record LinkedBooking(Guid TenantId, Guid PackageId, Instant EndsAt);

    private sealed record Admission(LinkedBooking? Booking, ProblemHttpResult? Problem);

    /// <summary>The booking the request's token opens, or the problem to answer. The signature is checked before the
    /// database is read; which business the booking belongs to is read without the tenant filter (the token names it).</summary>
    private static async Task<Admission> AdmitAsync(Guid id, HttpContext http, BookingLinks links, BookingDbContext db, IClock clock, CancellationToken ct)
    {
        string? token = http.Request.Headers[TokenHeader];
        var booking = links.IsValid(id, token)
            ? await db.Bookings.IgnoreQueryFilters().AsNoTracking().Where(b => b.Id == id)
                .Select(b => new LinkedBooking(b.TenantId, b.PackageId, b.EndsAt)).FirstOrDefaultAsync(ct)
            : null;
        return booking is null ? new(null, NotFound())
            : links.Check(id, token, booking.EndsAt, clock.GetCurrentInstant()) == LinkCheck.Expired ? new(null, Expired())
            : new(booking, null);
    }

    private static async Task<ManagedBookingDto?> LoadAsync(BookingDbContext db, BookingLinks links, Guid id, Instant now, CancellationToken ct)
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
            ManagedBooking.From(BookingDto.From(booking, row.Tenant.TimeZone, row.Tenant.Policy, now)),
            row.Tenant.Slug,
            row.Tenant.Name,
            row.PackageName,
            booking.CancellationDeadline.ToDateTimeOffset(),
            booking.RescheduleDeadline.ToDateTimeOffset(),
            links.ExpiresAt(booking.EndsAt).ToDateTimeOffset());
    }

    private static ProblemHttpResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: "No such booking, or the link is not valid.");

    private static ProblemHttpResult Expired() => TypedResults.Problem(
        statusCode: StatusCodes.Status410Gone,
        title: "Link expired",
        detail: "This link has expired: the booking ended some time ago. Contact the business for anything about it.");
}
