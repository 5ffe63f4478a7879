using System.Diagnostics;
using BookingAws.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace BookingAws.Shared.Tests.Hosting;

public class TraceSamplingTests
{
    [Fact]
    public void At_ratio_zero_failed_spans_are_exported_and_healthy_ones_are_not()
    {
        using var source = new ActivitySource("trace-sampling-" + Guid.NewGuid().ToString("N"));
        var exported = new List<Activity>();
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .AddErrorAwareSampling(0)
            .AddInMemoryExporter(exported)
            .Build();

        using (source.StartActivity("healthy request"))
        {
        }

        using (source.StartActivity("request that returned 500", ActivityKind.Server)?.SetStatus(ActivityStatusCode.Error))
        {
        }

        using (source.StartActivity("request whose query failed"))
        {
            using var query = source.StartActivity("query");
            query?.AddException(new InvalidOperationException("deadlock detected"));
        }

        using (source.StartActivity("handler", ActivityKind.Consumer)?.SetTag("error.type", "TimeoutException"))
        {
        }

        Assert.Equal(["request that returned 500", "query", "handler"], exported.Select(a => a.DisplayName));
    }

    [Fact]
    public void At_ratio_one_every_trace_is_exported_whole()
    {
        using var source = new ActivitySource("trace-sampling-" + Guid.NewGuid().ToString("N"));
        var exported = new List<Activity>();
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .AddErrorAwareSampling(1)
            .AddInMemoryExporter(exported)
            .Build();

        using (source.StartActivity("request"))
        {
            using var query = source.StartActivity("query");
        }

        Assert.Equal(["query", "request"], exported.Select(a => a.DisplayName));
    }

    [Fact]
    public void The_ratio_picks_its_share_of_roots_by_trace_id_and_picks_the_same_way_every_time()
    {
        var sampler = new ErrorAwareSampler(0.25);
        var random = new Random(14);
        var bytes = new byte[16];
        var sampled = 0;
        const int Roots = 20_000;
        for (var i = 0; i < Roots; i++)
        {
            random.NextBytes(bytes);
            var traceId = ActivityTraceId.CreateFromBytes(bytes);
            var first = Decide(sampler, default, traceId);
            Assert.Equal(first, Decide(new ErrorAwareSampler(0.25), default, traceId));
            Assert.NotEqual(SamplingDecision.Drop, first);
            sampled += first == SamplingDecision.RecordAndSample ? 1 : 0;
        }

        Assert.InRange(sampled / (double)Roots, 0.23, 0.27);
    }

    [Fact]
    public void Below_the_root_the_parent_decides_so_the_workers_keep_or_skip_the_whole_trace_as_the_api_did()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var sampledParent = new ActivityContext(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var unsampledParent = new ActivityContext(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);

        Assert.Equal(SamplingDecision.RecordAndSample, Decide(new ErrorAwareSampler(0), sampledParent, traceId));
        Assert.Equal(SamplingDecision.RecordOnly, Decide(new ErrorAwareSampler(1), unsampledParent, traceId));
    }

    private static SamplingDecision Decide(Sampler sampler, ActivityContext parent, ActivityTraceId traceId) =>
        sampler.ShouldSample(new SamplingParameters(parent, traceId, "span", ActivityKind.Consumer)).Decision;
}

public class ServiceDefaultsSamplingTests
{
    [Fact]
    public async Task A_host_at_the_stage_ratio_of_zero_exports_its_failed_spans_and_only_those()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Nothing listens there: the OTLP exporter's sends fail quietly, the in-memory one is what the test reads.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
            ["Tracing:SampleRatio"] = "0",
        });
        builder.AddServiceDefaults("sampling-test");
        var exported = new List<Activity>();
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exported));
        using var host = builder.Build();
        await host.StartAsync();

        var marker = Guid.NewGuid().ToString("N");
        using (Telemetry.Source.StartActivity("healthy " + marker))
        {
        }

        using (Telemetry.Source.StartActivity("failed " + marker)?.SetStatus(ActivityStatusCode.Error))
        {
        }

        await host.StopAsync();
        Assert.Equal(["failed " + marker], exported.Select(a => a.DisplayName).Where(n => n.EndsWith(marker, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_ratio_outside_zero_to_one_stops_the_host_from_starting()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Tracing:SampleRatio"] = "5" });
        builder.AddServiceDefaults("sampling-test");
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("SampleRatio", error.Message, StringComparison.Ordinal);
    }
}
