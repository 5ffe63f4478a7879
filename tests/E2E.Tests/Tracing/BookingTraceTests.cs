using System.Diagnostics;
using System.Net.Http.Json;
using BookingAws.Shared.Hosting;
using BookingAws.Tests.Common;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace BookingAws.E2E.Tests.Tracing;

/// <summary>
/// One booking is one trace: the API's request span, the relay's publish span, the worker's span, in that
/// parentage, exported in memory from this process (the API, the relay and the workers all run here).
/// </summary>
public sealed class BookingTraceTests(ApiWithWorkers platform) : IClassFixture<ApiWithWorkers>
{
    [Fact]
    public async Task A_hold_through_the_edge_is_one_trace_from_the_request_through_the_relays_publish_to_the_workers_span()
    {
        var spans = new SpanCollection();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddAspNetCoreInstrumentation()
            .AddSource(Telemetry.SourceName)
            .AddErrorAwareSampling(1)
            .AddInMemoryExporter(spans)
            .Build();
        var business = await platform.CreateBusinessAsync(units: 3);
        using var workers = await platform.StartWorkersAsync(business);

        // As the request reaches the API in AWS: from CloudFront (its request id) through the ALB (its trace id, the
        // forwarded-for chain), carrying whatever traceparent the browser made up.
        var edgeRequestId = "edge-" + Guid.NewGuid().ToString("N");
        using var hold = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/tenants/{business.Slug}/bookings")
        {
            Content = JsonContent.Create(new
            {
                packageId = business.PackageId,
                startsAt = DateTime.UtcNow.Date.AddDays(3).AddHours(10).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                seats = 1,
                customer = new { name = "Grace Hopper", email = "grace@example.test" },
            }),
        };
        hold.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        hold.Headers.Add("X-Forwarded-For", "203.0.113.7, 130.176.0.1");
        hold.Headers.Add("X-Amz-Cf-Id", edgeRequestId);
        hold.Headers.Add("X-Amzn-Trace-Id", "Root=1-6a1b2c3d-0123456789abcdef01234567");
        using (var response = await platform.CreateClient().SendAsync(hold))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        var request = await Until(
            () => spans.FirstOrDefault(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("aws.cloudfront.request_id"), edgeRequestId)),
            "the hold's request span");
        var consumer = await Until(
            () => spans.Trace(request.TraceId).FirstOrDefault(s => s.Kind == ActivityKind.Consumer),
            "the worker's span in the request's trace");

        var trace = spans.Trace(request.TraceId);
        Assert.Equal(default, request.ParentSpanId);
        var publish = Assert.Single(trace, s => s.SpanId == consumer.ParentSpanId);
        Assert.Equal(ActivityKind.Producer, publish.Kind);
        Assert.Equal("availability publish", publish.DisplayName);
        // The publish hangs under the request: its parent is the request span or a span of the request below it.
        var ancestor = trace.FirstOrDefault(s => s.SpanId == publish.ParentSpanId);
        while (ancestor is not null && ancestor.SpanId != request.SpanId)
        {
            ancestor = trace.FirstOrDefault(s => s.SpanId == ancestor.ParentSpanId);
        }

        Assert.Equal(request.SpanId, ancestor?.SpanId);
    }

    private static async Task<Activity> Until(Func<Activity?> find, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (find() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}
