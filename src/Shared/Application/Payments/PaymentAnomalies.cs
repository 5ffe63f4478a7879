using System.Diagnostics.Metrics;
using BookingAws.Shared.Data.Payments;
using BookingAws.Shared.Domain.Payments;
using BookingAws.Shared.Hosting;
using Microsoft.Extensions.Logging;

namespace BookingAws.Shared.Application.Payments;

/// <summary>Counters of strange money events, for an on-call alarm (any increase is worth a look).</summary>
public static class PaymentMetrics
{
    /// <summary>Strange money events, tagged with <c>kind</c> (<see cref="PaymentAnomalyKinds"/>).</summary>
    public static readonly Counter<long> Anomalies = Telemetry.Meter.CreateCounter<long>(
        "bookingaws.payments.anomalies", description: "Payment events that should not happen: amount mismatches, unknown PaymentIntents, replayed or out-of-order webhooks, duplicate payments");
}

/// <summary>
/// Records a strange money event three ways: a row on-call can query, the anomalies counter the alarm
/// watches, and a warning log. Recording never fails the caller: the event itself is still handled.
/// </summary>
public sealed class PaymentAnomalies(PaymentAnomalyStore store, ILogger<PaymentAnomalies> logger)
{
    public async Task RecordAsync(
        string kind, string detail, Guid? tenantId = null, Guid? bookingId = null, string? paymentIntentId = null, string? eventId = null, CancellationToken ct = default)
    {
        PaymentMetrics.Anomalies.Add(1, new KeyValuePair<string, object?>("kind", kind));
        logger.LogWarning(
            "Payment anomaly {Kind}: {Detail} (booking {BookingId}, PaymentIntent {PaymentIntentId}, event {EventId})", kind, detail, bookingId, paymentIntentId, eventId);
        try
        {
            await store.AddAsync(
                new PaymentAnomaly
                {
                    Kind = kind,
                    Detail = detail.Length > 1000 ? detail[..1000] : detail,
                    TenantId = tenantId,
                    BookingId = bookingId,
                    PaymentIntentId = paymentIntentId,
                    StripeEventId = eventId,
                },
                ct);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
        {
            logger.LogError(e, "Could not store payment anomaly {Kind}", kind);
        }
    }
}
