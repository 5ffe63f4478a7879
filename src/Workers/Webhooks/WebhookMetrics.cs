using System.Diagnostics.Metrics;
using BookingAws.Shared.Hosting;

namespace BookingAws.Workers.Webhooks;

/// <summary>What on-call watches of webhook delivery (see the runbook's webhooks section).</summary>
public static class WebhookMetrics
{
    public const string OldestDueAgeMetric = "bookingaws.webhooks.oldest_due_age";

    /// <summary>HTTP attempts, tagged <c>outcome</c> (<c>success</c> or <c>failure</c>).</summary>
    public static readonly Counter<long> Attempts = Telemetry.Meter.CreateCounter<long>("bookingaws.webhooks.attempts", description: "Webhook HTTP attempts");

    /// <summary>Deliveries given up after the retry window, or dropped because their endpoint was turned off.</summary>
    public static readonly Counter<long> GivenUp = Telemetry.Meter.CreateCounter<long>("bookingaws.webhooks.given_up", description: "Webhook deliveries given up");

    public static readonly Counter<long> EndpointsDisabled = Telemetry.Meter.CreateCounter<long>("bookingaws.webhooks.endpoints_disabled", description: "Webhook endpoints turned off after failing for days");

    /// <summary>From the change (the outbox row's time) to the receiver's 2xx, in seconds.</summary>
    public static readonly Histogram<double> DeliveryLatency = Telemetry.Meter.CreateHistogram<double>("bookingaws.webhooks.delivery_latency", unit: "s", description: "Webhook delivery time from the change to the receiver's success");

    private static long _oldestDueSeconds;

    /// <summary>How long the most overdue pending delivery has waited past its due time: receivers' failures only push
    /// due times out, so this grows only when delivery itself is stuck (no worker, database trouble, a hung loop).</summary>
    private static readonly ObservableGauge<long> OldestDue = Telemetry.Meter.CreateObservableGauge(
        OldestDueAgeMetric, () => Interlocked.Read(ref _oldestDueSeconds), unit: "s", description: "How long the most overdue pending webhook delivery has been due");

    public static void ReportOldestDue(TimeSpan age)
    {
        _ = OldestDue;
        Interlocked.Exchange(ref _oldestDueSeconds, (long)Math.Max(0, age.TotalSeconds));
    }
}
