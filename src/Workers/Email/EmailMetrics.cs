using System.Diagnostics.Metrics;
using BookingAws.Shared.Hosting;

namespace BookingAws.Workers.Email;

/// <summary>Counters of the email feedback loop, for dashboards and a bounce-rate alarm.</summary>
public static class EmailMetrics
{
    /// <summary>SES events received, tagged with <c>event_type</c> (and <c>bounce_type</c> for bounces).</summary>
    public static readonly Counter<long> Events = Telemetry.Meter.CreateCounter<long>("bookingaws.email.events", description: "SES events received from the email-events queue");

    /// <summary>Addresses newly added to a suppression list, tagged with <c>reason</c>.</summary>
    public static readonly Counter<long> SuppressionsAdded = Telemetry.Meter.CreateCounter<long>("bookingaws.email.suppressions.added", description: "Addresses added to a suppression list");

    /// <summary>Emails not sent because their recipient is suppressed, tagged with <c>reason</c> and <c>kind</c>.</summary>
    public static readonly Counter<long> Suppressed = Telemetry.Meter.CreateCounter<long>("bookingaws.email.suppressed", description: "Emails not sent to a suppressed recipient");
}
