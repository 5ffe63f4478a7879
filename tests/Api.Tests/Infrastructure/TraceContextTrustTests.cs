using System.Diagnostics;
using System.Net;
using BookingAws.Api.Infrastructure.RateLimiting;
using BookingAws.Api.Infrastructure.Tracing;
using BookingAws.Shared.Hosting;
using BookingAws.Tests.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace BookingAws.Api.Tests.Infrastructure;

/// <summary>Whose <c>traceparent</c> the API continues: the decision on its own, for each kind of caller.</summary>
public class TraceContextTrustTests
{
    private static readonly string[] Loopback = ["127.0.0.0/8", "::1/128"];

    [Theory]
    [InlineData("127.0.0.1", null, true)] // a local tool or test, straight to Kestrel (Development)
    [InlineData("::1", null, true)]
    [InlineData("::ffff:127.0.0.1", null, true)]
    [InlineData("127.0.0.1", "203.0.113.7, 130.176.0.1", false)] // relayed by the local stand-in for the ALB
    [InlineData("10.40.3.17", "203.0.113.7, 130.176.0.1", false)] // the ALB: CloudFront passed the viewer's headers on
    [InlineData("10.40.3.17", null, false)] // the ALB's network, however the request is dressed
    [InlineData("198.51.100.4", null, false)] // anyone else
    public void Only_a_trusted_peer_that_relays_no_one_else_continues_a_trace(string peer, string? forwardedFor, bool trusted)
    {
        var trust = Trust(Loopback);
        Assert.Equal(trusted, trust.Trusts(Request(peer, forwardedFor)));
    }

    [Fact]
    public void With_the_production_settings_no_caller_is_trusted()
    {
        var trust = Trust([]);
        Assert.False(trust.Trusts(Request("127.0.0.1", null)));
        Assert.False(trust.Trusts(Request("10.40.3.17", null)));
    }

    private static TraceContextTrust Trust(string[] trustedNetworks) => new(
        Options.Create(new TraceTrustOptions { TrustedNetworks = [.. trustedNetworks] }),
        Options.Create(new TrustedProxyOptions { KnownNetworks = ["10.40.0.0/16"] }));

    private static DefaultHttpContext Request(string peer, string? forwardedFor)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        return context;
    }
}

/// <summary>The request span over real HTTP, with the API's Development settings (loopback trusted).</summary>
[Collection(ApiCollection.Name)]
public sealed class IncomingTraceContextTests : IDisposable
{
    private readonly ApiFactory api;
    private readonly SpanCollection spans = new();
    private readonly TracerProvider tracing;

    public IncomingTraceContextTests(ApiFactory api)
    {
        this.api = api;
        tracing = Sdk.CreateTracerProviderBuilder()
            .AddAspNetCoreInstrumentation()
            .AddErrorAwareSampling(1)
            .AddInMemoryExporter(spans)
            .Build()!;
    }

    [Fact]
    public async Task A_trusted_callers_traceparent_is_the_parent_of_the_request_span()
    {
        var caller = NewCallerContext();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/trace-probe-{Guid.NewGuid():N}");
        request.Headers.Add("traceparent", TraceParent(caller));

        (await SendAsync(request)).Dispose();

        var server = await ServerSpanAsync(s => s.TraceId == caller.TraceId);
        Assert.Equal(caller.SpanId, server.ParentSpanId);
        Assert.Empty(server.Links);
    }

    [Fact]
    public async Task An_internet_callers_traceparent_starts_a_new_trace_that_links_to_it()
    {
        var caller = NewCallerContext();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/trace-probe-{Guid.NewGuid():N}");
        request.Headers.Add("traceparent", TraceParent(caller));
        // As the request reaches the API in AWS: through CloudFront (which passed the viewer's headers on) and the ALB.
        request.Headers.Add("X-Forwarded-For", "203.0.113.7, 130.176.0.1");
        request.Headers.Add("X-Amz-Cf-Id", "edge-request-" + Guid.NewGuid().ToString("N"));
        request.Headers.Add("X-Amzn-Trace-Id", "Root=1-67891233-abcdef012345678912345678");

        using var response = await SendAsync(request);

        var server = await ServerSpanAsync(s => s.Links.Any(l => l.Context.TraceId == caller.TraceId));
        Assert.NotEqual(caller.TraceId, server.TraceId);
        Assert.Equal(default, server.ParentSpanId);
        Assert.Equal(caller.SpanId, Assert.Single(server.Links).Context.SpanId);
        Assert.Equal(request.Headers.GetValues("X-Amz-Cf-Id").Single(), server.GetTagItem("aws.cloudfront.request_id"));
        Assert.Equal("Root=1-67891233-abcdef012345678912345678", server.GetTagItem("aws.alb.trace_id"));
        Assert.DoesNotContain(spans, s => s.TraceId == caller.TraceId);
    }

    public void Dispose() => tracing.Dispose();

    /// <summary>Sends the headers as written: HttpClient would otherwise put its own span's context in traceparent.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        using var started = api.CreateClient();
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = started.BaseAddress };
        return await client.SendAsync(request);
    }

    private static ActivityContext NewCallerContext() =>
        new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

    private static string TraceParent(ActivityContext c) => $"00-{c.TraceId}-{c.SpanId}-01";

    private async Task<Activity> ServerSpanAsync(Func<Activity, bool> match)
    {
        var found = await Eventually.Until(
            () => Task.FromResult(spans.Where(s => s.Kind == ActivityKind.Server && match(s)).ToList()), l => l.Count > 0);
        return Assert.Single(found);
    }
}
