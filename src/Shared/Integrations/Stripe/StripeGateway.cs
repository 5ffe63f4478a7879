using System.Net;
using BookingAws.Shared.Data.Payments;
using BookingAws.Shared.Domain.Payments;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stripe;

namespace BookingAws.Shared.Integrations.Stripe;

/// <summary>Stripe could not be reached or kept failing within the time allowed.</summary>
public sealed class PaymentProviderUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Stripe answered a PaymentIntent create with a 4xx: the request (the business's account, the amount, the
/// customer's card) is refused, and asking again will not change that. <see cref="Code"/> is Stripe's error code.
/// </summary>
public sealed class PaymentRefusedException(string? code, string message, Exception inner) : Exception(message, inner)
{
    public string? Code { get; } = code;
}

/// <summary>
/// The calls the platform makes to Stripe, through Stripe.net. Every call gets a short per-attempt
/// timeout and a bounded number of attempts with the same idempotency key, so a slow Stripe costs a
/// caller at most <c>Attempts × AttemptTimeout</c> and a retried create never makes a second object.
/// </summary>
public sealed class StripeGateway
{
    private readonly StripeClient client;
    private readonly StripeOptions options;
    private readonly ILogger<StripeGateway> logger;

    public StripeGateway(IOptions<StripeOptions> options, ILogger<StripeGateway> logger)
    {
        this.options = options.Value;
        this.logger = logger;
        this.client = new StripeClient(new StripeClientOptions
        {
            ApiKey = this.options.ApiKey,
            ApiBase = string.IsNullOrWhiteSpace(this.options.ApiBase) ? null : this.options.ApiBase,
            // Retries are ours (below), so their total time is bounded and they reuse our idempotency key.
            HttpClient = new SystemNetHttpClient(new HttpClient { Timeout = this.options.AttemptTimeout }, maxNetworkRetries: 0, enableTelemetry: false),
        });
    }

    public static string PaymentKey(Guid bookingId) => $"booking-{bookingId}";

    public static string RefundKey(Guid bookingId, string reason) => $"refund-{bookingId}-{reason}";

    /// <summary>Creates (or, with the same key, finds again) the PaymentIntent for a booking.</summary>
    public Task<PaymentIntent> CreatePaymentIntentAsync(PayableBooking booking, CancellationToken ct)
    {
        var create = new PaymentIntentCreateOptions
        {
            Amount = booking.AmountMinor,
            Currency = booking.Currency.Trim().ToLowerInvariant(),
            Metadata = new Dictionary<string, string>
            {
                ["booking_id"] = booking.Id.ToString(),
                ["tenant_id"] = booking.TenantId.ToString(),
            },
            AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true },
        };
        if (booking.StripeAccountId is { } account)
        {
            // Destination charge: the business receives the payment, the platform keeps its fee.
            create.TransferData = new PaymentIntentTransferDataOptions { Destination = account };
            create.ApplicationFeeAmount = booking.AmountMinor * this.options.PlatformFeeBasisPoints / 10_000;
        }

        var service = new PaymentIntentService(this.client);
        var request = new RequestOptions { IdempotencyKey = PaymentKey(booking.Id) };
        return this.CreatePaymentIntentAsync(service, create, request, ct);
    }

    /// <summary>Whether a refund of this PaymentIntent must also take the money back from the connected account.</summary>
    public static bool IsDestinationCharge(PaymentIntent intent) => intent.TransferData?.DestinationId is not null;

    public Task<PaymentIntent> GetPaymentIntentAsync(string id, CancellationToken ct)
    {
        var service = new PaymentIntentService(this.client);
        return this.CallAsync("get PaymentIntent", c => service.GetAsync(id, null, null, c), ct);
    }

    /// <summary>Finds a booking's PaymentIntent when its id was never stored (the create's answer was lost).</summary>
    public async Task<PaymentIntent?> FindPaymentIntentAsync(Guid bookingId, CancellationToken ct)
    {
        var service = new PaymentIntentService(this.client);
        var found = await this.CallAsync(
            "search PaymentIntents",
            c => service.SearchAsync(new PaymentIntentSearchOptions { Query = $"metadata['booking_id']:'{bookingId}'" }, null, c),
            ct);
        return found.Data.FirstOrDefault();
    }

    /// <summary>Cancels a PaymentIntent so it can no longer be paid; false when it already can't be cancelled.</summary>
    public async Task<bool> CancelPaymentIntentAsync(string id, CancellationToken ct)
    {
        var service = new PaymentIntentService(this.client);
        try
        {
            await this.CallAsync("cancel PaymentIntent", c => service.CancelAsync(id, null, new RequestOptions { IdempotencyKey = $"cancel-{id}" }, c), ct);
            return true;
        }
        catch (StripeException e) when (e.StripeError?.Code == "payment_intent_unexpected_state")
        {
            return false;
        }
    }

    /// <summary>
    /// Refunds (part of) a payment. For a destination charge the transfer to the business is reversed in
    /// proportion, and the platform's fee given back in proportion too, so the business bears the refund of
    /// what it received and the platform of what it kept: neither pays for the other.
    /// </summary>
    public Task<Refund> CreateRefundAsync(PaymentRefund refund, bool destinationCharge, bool hasApplicationFee, CancellationToken ct)
    {
        var service = new RefundService(this.client);
        var create = new RefundCreateOptions
        {
            PaymentIntent = refund.PaymentIntentId,
            Amount = refund.AmountMinor,
            Reason = "requested_by_customer",
            ReverseTransfer = destinationCharge ? true : null,
            RefundApplicationFee = destinationCharge && hasApplicationFee ? true : null,
            Metadata = new Dictionary<string, string>
            {
                ["booking_id"] = refund.BookingId.ToString(),
                ["reason"] = refund.Reason,
            },
        };
        var request = new RequestOptions { IdempotencyKey = RefundKey(refund.BookingId, refund.Reason) };
        return this.CallAsync("create refund", c => service.CreateAsync(create, request, c), ct);
    }

    private async Task<PaymentIntent> CreatePaymentIntentAsync(PaymentIntentService service, PaymentIntentCreateOptions create, RequestOptions request, CancellationToken ct)
    {
        try
        {
            return await this.CallAsync("create PaymentIntent", c => service.CreateAsync(create, request, c), ct);
        }
        catch (StripeException e) when (!IsTransient(e) && (int)e.HttpStatusCode is >= 400 and < 500)
        {
            this.logger.LogWarning("Stripe refused a PaymentIntent ({Status} {Code}): {Message}", (int)e.HttpStatusCode, e.StripeError?.Code, e.StripeError?.Message);
            throw new PaymentRefusedException(e.StripeError?.Code, e.StripeError?.Message ?? e.Message, e);
        }
    }

    private async Task<T> CallAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && IsTransient(e))
            {
                if (attempt >= this.options.Attempts)
                {
                    // The message names the call only: request options carry the key, never log them.
                    throw new PaymentProviderUnavailableException($"Stripe did not answer '{what}' after {attempt} attempts.", e);
                }

                this.logger.LogInformation("Stripe call {Call} failed on attempt {Attempt} ({Error}); retrying", what, attempt, e.GetType().Name);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), ct);
            }
        }
    }

    /// <summary>Network trouble, timeouts, 409 (same key still in flight), 429 and 5xx are worth another try.</summary>
    private static bool IsTransient(Exception e) => e switch
    {
        StripeException s => s.HttpStatusCode is HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests or 0 || (int)s.HttpStatusCode >= 500
            || s.InnerException is HttpRequestException or TaskCanceledException,
        HttpRequestException or TaskCanceledException or TimeoutException => true,
        _ => false,
    };
}
