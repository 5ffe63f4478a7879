using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Application.Bookings;
using BookingAws.Shared.Application.Payments;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Integrations.Stripe;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Api.Features.Bookings;

/// <summary>Changes to an existing booking: each endpoint authorises, calls its use case and maps the outcome.</summary>
public static partial class BookingEndpoints
{
    public static async Task<Results<Ok<BookingDto>, ProblemHttpResult>> Cancel(
        Guid id,
        CancelRequest? request,
        Caller caller,
        BookingDbContext db,
        CancelBooking cancel,
        ReadSession reads,
        PaymentService payments,
        IClock clock,
        ILogger<CancelRequest> logger,
        CancellationToken ct)
    {
        var (tenantId, actor) = await AuthorizeChangeAsync(caller, db, id, ct);
        if (actor is null)
        {
            return Problem(StatusCodes.Status404NotFound, "No such booking.");
        }

        var outcome = await cancel.RunAsync(tenantId, id, actor.Value, request?.Reason, ct);
        if (outcome is ChangeOutcome.Done { Booking: { PaymentIntentId: { } intentId } cancelled })
        {
            await SettleCancelledPaymentAsync(payments, cancelled, intentId, logger, ct);
        }

        return await ToResultAsync(outcome, db, tenantId, reads, clock, ct);
    }

    /// <summary>
    /// After the cancellation committed: a confirmed booking is refunded as the model decided; a hold's
    /// PaymentIntent is cancelled so it can no longer be paid. If Stripe fails, the cancellation stands
    /// and reconciliation finishes the job (the refund is recorded as pending, keyed per booking).
    /// </summary>
    internal static async Task SettleCancelledPaymentAsync(PaymentService payments, Booking cancelled, string intentId, ILogger logger, CancellationToken ct)
    {
        try
        {
            if (cancelled.ConfirmedAt is not null)
            {
                await payments.RefundCancellationAsync(cancelled.TenantId, cancelled.Id, ct);
            }
            else
            {
                await payments.CancelUnpaidAsync(intentId, ct);
            }
        }
        catch (Exception e) when (e is PaymentProviderUnavailableException or Stripe.StripeException)
        {
            logger.LogWarning(e, "Payment follow-up for cancelled booking {BookingId} failed; reconciliation will retry", cancelled.Id);
        }
    }

    public static async Task<Results<Ok<BookingDto>, ProblemHttpResult>> Reschedule(
        Guid id, RescheduleRequest request, Caller caller, BookingDbContext db, RescheduleBooking reschedule, ReadSession reads, IClock clock, CancellationToken ct)
    {
        DomainException.EnsureSaneDate(DateOnly.FromDateTime(request.StartsAt.UtcDateTime), "startsAt");
        var (tenantId, actor) = await AuthorizeChangeAsync(caller, db, id, ct);
        if (actor is null)
        {
            return Problem(StatusCodes.Status404NotFound, "No such booking.");
        }

        var outcome = await reschedule.RunAsync(tenantId, id, Instant.FromDateTimeOffset(request.StartsAt), actor.Value, ct);
        return await ToResultAsync(outcome, db, tenantId, reads, clock, ct);
    }

    /// <summary>
    /// The business took payment in person (or waives it): held → confirmed, and the hold's PaymentIntent
    /// cancelled. Refused while the customer's online payment is processing or has succeeded (that payment
    /// confirms the booking instead), and while Stripe cannot be asked.
    /// </summary>
    public static async Task<Results<Ok<BookingDto>, ProblemHttpResult>> ConfirmInPerson(
        Guid id, TenantContext scope, BookingDbContext db, ConfirmPaidInPerson confirm, ReadSession reads, IClock clock, CancellationToken ct)
    {
        return await confirm.RunAsync(scope.Tenant.Id, id, ct) switch
        {
            InPersonOutcome.Changed changed => await ToResultAsync(changed.Outcome, db, scope.Tenant.Id, reads, clock, ct),
            InPersonOutcome.PaymentProcessing => Problem(
                StatusCodes.Status409Conflict, "The customer's online payment is being processed; it will confirm the booking, or fail and release it."),
            InPersonOutcome.PaidOnline => Problem(StatusCodes.Status409Conflict, "The customer has already paid online; the booking is confirmed by that payment."),
            _ => Problem(StatusCodes.Status503ServiceUnavailable, "The payment provider did not answer, so the online payment could not be closed; try again shortly."),
        };
    }

    /// <summary>
    /// Who may change this booking: a member of its business acts for the business; the person the
    /// booking's customer is linked to acts as the customer; anyone else does not see it at all.
    /// </summary>
    private static async Task<(Guid TenantId, Actor? Actor)> AuthorizeChangeAsync(Caller caller, BookingDbContext db, Guid id, CancellationToken ct)
    {
        var booking = await db.Bookings.IgnoreQueryFilters().Where(b => b.Id == id)
            .Select(b => new { b.TenantId, b.EmailProof, db.Customers.IgnoreQueryFilters().First(c => c.Id == b.CustomerId).PersonId })
            .FirstOrDefaultAsync(ct);
        if (booking is null)
        {
            return (Guid.Empty, null);
        }

        db.TenantId = booking.TenantId;
        if (await caller.MembershipAsync(booking.TenantId, ct) is { Role: Roles.Owner or Roles.Staff })
        {
            return (booking.TenantId, Actor.Business);
        }

        var person = await caller.PersonAsync(ct);
        // A guest's booking under this person's address is not theirs to change until the guest proves the address.
        var proven = booking.EmailProof != EmailProofState.Pending;
        return (booking.TenantId, person is not null && proven && booking.PersonId == person.Id ? Actor.Customer : null);
    }

    private static async Task<Results<Ok<BookingDto>, ProblemHttpResult>> ToResultAsync(
        ChangeOutcome outcome, BookingDbContext db, Guid tenantId, ReadSession reads, IClock clock, CancellationToken ct)
    {
        if (outcome is ChangeOutcome.Done done)
        {
            await reads.RecordWriteAsync(ct);
            var tenant = await db.Tenants.Where(t => t.Id == tenantId).Select(t => new { t.TimeZone, t.Policy }).SingleAsync(ct);
            return TypedResults.Ok(BookingDto.From(done.Booking, tenant.TimeZone, tenant.Policy, clock.GetCurrentInstant()));
        }

        return ProblemFor(outcome);
    }

    /// <summary>The problem a failed booking change answers with.</summary>
    internal static ProblemHttpResult ProblemFor(ChangeOutcome outcome)
    {
        switch (outcome)
        {
            case ChangeOutcome.NotFound:
                return Problem(StatusCodes.Status404NotFound, "No such booking.");
            case ChangeOutcome.WrongState wrong:
                return Problem(StatusCodes.Status409Conflict, $"The booking is {wrong.Status}.");
            case ChangeOutcome.WindowClosed closed:
                return Problem(StatusCodes.Status422UnprocessableEntity, $"The business's policy allowed this until {closed.Deadline}; contact the business.");
            case ChangeOutcome.SlotNotOffered:
                return Problem(StatusCodes.Status422UnprocessableEntity, "That start time is not offered for this package.", "startsAt");
            case ChangeOutcome.NoCapacity:
                return Problem(StatusCodes.Status409Conflict, "Not enough left at the new time; the booking is unchanged.");
            case ChangeOutcome.EmailNotProven:
                return Problem(StatusCodes.Status409Conflict, "The customer has not yet entered the code emailed to them; the booking cannot be confirmed before.");
            default:
                throw new InvalidOperationException($"Unhandled outcome {outcome}.");
        }
    }
}
