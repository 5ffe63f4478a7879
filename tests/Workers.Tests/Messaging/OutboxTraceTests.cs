using System.Diagnostics;
using BookingAws.Shared.Hosting;
using BookingAws.Shared.Messaging;
using BookingAws.Tests.Common;
using BookingAws.Workers.Tests.Infrastructure;
using NodaTime;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace BookingAws.Workers.Tests.Messaging;

public class OutboxTraceTests
{
    [Fact]
    public async Task The_relays_publish_span_is_the_child_of_the_request_that_wrote_the_event_and_the_parent_of_the_handlers_span()
    {
        var queues = await Platform.CreateQueuesAsync();
        var seed = await Platform.SeedAsync();
        var booking = await Platform.AddBookingAsync(seed, Instant.FromUtc(2027, 6, 2, 10, 0));
        using var api = new ActivitySource("outbox-trace-test-" + Guid.NewGuid().ToString("N"));
        var spans = new SpanCollection();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(api.Name, Telemetry.SourceName)
            .AddErrorAwareSampling(1)
            .AddInMemoryExporter(spans)
            .Build();

        // The request: the outbox row is written inside its span, as the API's use cases do.
        ActivityContext request;
        using (var span = api.StartActivity("POST /api/v1/tenants/{slug}/bookings", ActivityKind.Server))
        {
            request = span!.Context;
            await Platform.WriteOutboxAsync(new BookingConfirmed(Platform.Snapshot(booking), DateTimeOffset.UtcNow, null, null));
        }

        var settings = WorkerHost.Settings(queues, seed.Tenant.Id);
        settings["Workers:Consumers:Queues:0"] = MessageTopology.Analytics.Name;
        await using (await WorkerHost.StartAsync(settings))
        {
            await Eventually.TrueAsync(
                () => Task.FromResult(spans.Trace(request.TraceId).Any(s => s.Kind == ActivityKind.Consumer)),
                "the analytics handler's span in the request's trace");
        }

        var trace = spans.Trace(request.TraceId);
        var consumer = Assert.Single(trace, s => s.Kind == ActivityKind.Consumer);
        var publish = Assert.Single(trace, s => s.Kind == ActivityKind.Producer && s.SpanId == consumer.ParentSpanId);
        Assert.Equal(request.SpanId, publish.ParentSpanId);
        Assert.Equal($"{MessageTopology.Analytics.Name} publish", publish.DisplayName);
        Assert.Equal(MessageTopology.Analytics.Name, publish.GetTagItem("messaging.destination.name"));
        Assert.Equal("aws_sqs", publish.GetTagItem("messaging.system"));
        Assert.Equal(consumer.GetTagItem("messaging.message.id"), publish.GetTagItem("messaging.message.id"));

        // booking.confirmed.v1 also goes to notifications and availability: one publish span each, same parent.
        Assert.Equal(
            MessageTopology.QueuesFor(BookingConfirmed.WireName).Select(q => $"{q.Name} publish").Order(),
            trace.Where(s => s.Kind == ActivityKind.Producer).Select(s => s.DisplayName).Order());
        Assert.All(trace.Where(s => s.Kind == ActivityKind.Producer), s => Assert.Equal(request.SpanId, s.ParentSpanId));
    }
}
