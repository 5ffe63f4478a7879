using System.Diagnostics;
using BookingAws.Shared.Hosting;

namespace BookingAws.Workers.Outbox;

/// <summary>
/// The relay's producer spans. The request that wrote an outbox row stored its trace context with it; the
/// <c>publish</c> span of that row is the child of that context, and its own context is what the message carries
/// to the worker, whose <c>process</c> span is then the child of the publish: request → publish → process, one trace.
/// One span per message and queue, since a batch mixes messages of different traces.
/// </summary>
internal static class OutboxPublishSpans
{
    public static Activity? Start(string queue, Guid messageId, string type, Guid tenantId, string? storedTraceParent, int batchSize)
    {
        ActivityContext.TryParse(storedTraceParent, null, isRemote: true, out var parent);
        var ambient = Activity.Current;
        var span = Telemetry.Source.StartActivity($"{queue} publish", ActivityKind.Producer, parent);
        // Starting makes it current; the batch call that follows belongs to no single message's trace.
        Activity.Current = ambient;
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("messaging.system", "aws_sqs");
            span.SetTag("messaging.operation.type", "send");
            span.SetTag("messaging.operation.name", "SendMessageBatch");
            span.SetTag("messaging.destination.name", queue);
            span.SetTag("messaging.message.id", messageId.ToString());
            span.SetTag("messaging.batch.message_count", batchSize);
            span.SetTag("bookingaws.message.type", type);
            span.SetTag("bookingaws.tenant.id", tenantId.ToString());
        }

        return span;
    }

    /// <summary>The context the message carries: the publish span's, or the stored one when no span was made
    /// (nothing listening), so the worker still joins the request's trace.</summary>
    public static string? TraceParent(Activity? span, string? storedTraceParent) => span?.Id ?? storedTraceParent;

    public static void Fail(Activity? span, string error) => span?.SetStatus(ActivityStatusCode.Error, error);

    public static void Stop(IEnumerable<Activity?> spans)
    {
        foreach (var span in spans)
        {
            span?.Dispose();
        }
    }
}
