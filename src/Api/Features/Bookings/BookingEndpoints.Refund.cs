using System.ComponentModel.DataAnnotations;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Application.Payments;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Payments;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Integrations.Stripe;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace BookingAws.Api.Features.Bookings;

/// <param name="AmountMinor">Minor units of the booking's currency; left out, everything paid and not refunded yet.</param>
/// <param name="Reason">Why, in the owner's words ("goodwill after the late cancellation"): kept with the refund, told to the customer.
/// It also names the refund: sending the same reason again finishes that refund, never makes a second.</param>
public sealed record RefundRequest(
    [Range(1, long.MaxValue)] long? AmountMinor,
    [Required, StringLength(OwnerRefund.MaxReasonLength, MinimumLength = 1)] string Reason);

public static partial class BookingEndpoints
{
    /// <summary>The owner refunds all or part of what a booking's online payment took and is not refunded yet.</summary>
    public static async Task<Results<Ok<RefundDto>, ProblemHttpResult>> Refund(
        Guid id, RefundRequest request, Caller caller, BookingDbContext db, PaymentService payments, ReadSession reads, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            throw DomainException.Invalid("reason", "Say why the booking is refunded.");
        }

        var (tenantId, actor) = await AuthorizeChangeAsync(caller, db, id, ct);
        if (actor is null)
        {
            return Problem(StatusCodes.Status404NotFound, "No such booking.");
        }

        if (await caller.MembershipAsync(tenantId, ct) is not { Role: Roles.Owner })
        {
            return Problem(StatusCodes.Status403Forbidden, "Only the owner can refund a booking.");
        }

        OwnerRefundOutcome outcome;
        try
        {
            outcome = await payments.RefundByOwnerAsync(tenantId, id, request.AmountMinor, request.Reason, ct);
        }
        catch (PaymentProviderUnavailableException)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "Stripe did not answer. Send the same refund (same reason) again to finish it; it is never made twice.");
        }

        switch (outcome)
        {
            case OwnerRefundOutcome.Refunded:
                await reads.RecordWriteAsync(ct);
                var code = OwnerRefund.ReasonCode(request.Reason);
                return TypedResults.Ok(RefundDto.From(await db.PaymentRefunds.AsNoTracking().SingleAsync(r => r.BookingId == id && r.Reason == code, ct)));
            case OwnerRefundOutcome.Refused { Decision: OwnerRefundDecision.TooMuch tooMuch }:
                throw DomainException.Invalid("amountMinor", $"At most {tooMuch.RefundableMinor} (minor units) is left to refund.");
            case OwnerRefundOutcome.Refused { Decision: OwnerRefundDecision.NothingLeft }:
                return Problem(StatusCodes.Status409Conflict, "Everything paid for this booking has been refunded already.");
            case OwnerRefundOutcome.Refused:
                return Problem(StatusCodes.Status409Conflict, "Nothing was paid online for this booking, so there is nothing to refund.");
            case OwnerRefundOutcome.ReasonTaken taken:
                return Problem(StatusCodes.Status409Conflict, $"A refund of {taken.AmountMinor} (minor units) was made for this reason already; give another reason for another refund.", "reason");
            case OwnerRefundOutcome.StripeRefused refused:
                return Problem(StatusCodes.Status409Conflict, $"Stripe refused the refund ({refused.Code ?? "refund_refused"}); nothing was refunded.");
            default:
                return Problem(StatusCodes.Status404NotFound, "No such booking.");
        }
    }
}
