using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Application.Payments;
using BookingAws.Shared.Data.Payments;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Integrations.Stripe;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAws.Api.Features.Payments;

public static class PaymentEndpoints
{
    public static void MapPaymentEndpoints(this RouteGroupBuilder api)
    {
        // Guests pay too, so this is anonymous: the booking id (random, from the hold response) is the
        // capability, and all it yields is a way to pay for that booking.
        api.MapPost("/bookings/{id:guid}/payment", StartPayment).WithName("StartBookingPayment").WithTags("Payments").AllowAnonymous()
            .AddEndpointFilter<BookingScopeFilter>();

        // Stripe's events name a PaymentIntent, not a business: the verified webhook finds its booking across businesses.
        api.MapPost("/webhooks/stripe", ReceiveWebhook).WithName("StripeWebhook").WithTags("Payments").AllowAnonymous()
            .AddEndpointFilter(new SystemScopeFilter("a Stripe webhook event, matched to its booking by PaymentIntent"));
    }

    public static async Task<Results<Ok<HoldPaymentDto>, ProblemHttpResult>> StartPayment(
        Guid id, PaymentStore payments, PaymentService service, CancellationToken ct)
    {
        var booking = await payments.FindPayableAsync(id, ct);
        if (booking is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: "No such booking.");
        }

        if (booking.AwaitsEmailProof && booking.Status == BookingStatus.Held)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                detail: "Enter the code emailed to you first: the booking can be paid once the address is proven.",
                extensions: new Dictionary<string, object?> { ["field"] = "code" });
        }

        if (!service.IsPayable(booking))
        {
            var state = booking.Status == BookingStatus.Held && booking.AmountMinor > 0 ? BookingStatus.Expired : booking.Status;
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: $"The booking is {state}; there is nothing to pay.");
        }

        try
        {
            var start = await service.StartAsync(id, ct);
            return start is null
                ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: "The booking is no longer awaiting payment.")
                : TypedResults.Ok(HoldPaymentDto.For(start.PaymentIntentId, start.ClientSecret));
        }
        catch (PaymentProviderUnavailableException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: "The payment provider did not answer; try again shortly.");
        }
        catch (PaymentRefusedException e)
        {
            return Refused(e);
        }
    }

    /// <summary>
    /// Stripe refused the payment (a 4xx): the hold is already released, so the customer is told plainly
    /// and may book again. Stripe's code says why; its message, which may name the business's account, does not leave.
    /// </summary>
    public static ProblemHttpResult Refused(PaymentRefusedException e) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: RefusedTitle,
            detail: RefusedDetail,
            extensions: new Dictionary<string, object?> { ["code"] = e.Code ?? "payment_refused" });

    private const string RefusedTitle = "Payment refused";

    private const string RefusedDetail = "The payment provider refused this payment, so the time was released. Try again, or contact the business.";

    /// <summary>Reads the raw body: the signature covers the exact bytes Stripe sent.</summary>
    public static async Task<Results<Ok, ProblemHttpResult>> ReceiveWebhook(HttpRequest request, PaymentWebhookHandler handler, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var payload = await reader.ReadToEndAsync(ct);
        WebhookResult result;
        try
        {
            result = await handler.HandleAsync(payload, request.Headers["Stripe-Signature"].ToString(), ct);
        }
        catch (PaymentProviderUnavailableException)
        {
            // Stripe redelivers on anything but 2xx; the event is handled again then.
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: "Stripe could not be reached to settle this event; deliver it again.");
        }

        return result == WebhookResult.InvalidSignature
            ? TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid signature", detail: "The Stripe-Signature header is missing, wrong or too old.")
            : TypedResults.Ok();
    }

    /// <summary>
    /// Adds <c>payment</c> to a hold's response. The stored (idempotent) response is written before
    /// Stripe is called, so this runs on the first answer and on every replay alike; the PaymentIntent
    /// is created with the booking's idempotency key, so replays return the same one.
    /// </summary>
    public static async Task<string> WithPaymentAsync(string bookingJson, PaymentService service, ILogger logger, CancellationToken ct)
    {
        var body = JsonNode.Parse(bookingJson)!.AsObject();
        if (body["status"]?.GetValue<string>() != BookingStatus.Held || body["id"]?.GetValue<Guid>() is not { } bookingId
            || body["awaitingEmailProof"]?.GetValue<bool>() == true)
        {
            // A guest's hold is paid only after the code: the proof's answer carries the payment instead.
            return bookingJson;
        }

        HoldPaymentDto? payment;
        try
        {
            // Null when the booking stopped being a hold meanwhile (a replay after it was paid or expired).
            var start = await service.StartAsync(bookingId, ct);
            payment = start is null ? null : HoldPaymentDto.For(start.PaymentIntentId, start.ClientSecret);
        }
        catch (PaymentProviderUnavailableException e)
        {
            // The capacity is taken and stays taken until the hold expires; the client can retry payment.
            logger.LogWarning(e, "No PaymentIntent for booking {BookingId}; the client is told to retry", bookingId);
            payment = HoldPaymentDto.Retry(bookingId);
        }
        catch (PaymentRefusedException e)
        {
            // The hold is released already; the request as a whole failed, so it answers a problem, not the hold.
            logger.LogWarning("Stripe refused the PaymentIntent of booking {BookingId} ({Code}); the hold was released", bookingId, e.Code);
            throw new DomainException(StatusCodes.Status422UnprocessableEntity, RefusedTitle, RefusedDetail);
        }

        body["payment"] = JsonSerializer.SerializeToNode(payment, ApiJson.Options);
        return body.ToJsonString(ApiJson.Options);
    }
}
