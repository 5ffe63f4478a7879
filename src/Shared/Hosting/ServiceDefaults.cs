using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Formatting.Compact;

namespace BookingAws.Shared.Hosting;

/// <summary>Names the project's own traces and metrics, so both hosts and dashboards agree.</summary>
public static class Telemetry
{
    public const string SourceName = "BookingAws";
    public static readonly ActivitySource Source = new(SourceName);
    public static readonly Meter Meter = new(SourceName);
}

public static class ServiceDefaults
{
    private static readonly ActivityListener PropagationOnly = new()
    {
        ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or Telemetry.SourceName,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
    };

    /// <summary>
    /// What both hosts share: JSON logs on stdout (shipped by the CloudWatch agent in AWS), OpenTelemetry
    /// traces, metrics and logs over OTLP when an endpoint is configured, and the clocks.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, string serviceName)
        where TBuilder : IHostApplicationBuilder
    {
        // Serilog writes stdout; the OpenTelemetry provider below is the only other sink.
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(
            (sp, lc) => lc
                .ReadFrom.Configuration(builder.Configuration)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("service", serviceName)
                .WriteTo.Console(new CompactJsonFormatter()),
            writeToProviders: true);

        builder.Services.AddOptions<TracingOptions>().BindConfiguration(TracingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Telemetry is collected only when there is somewhere to send it (the CloudWatch agent in AWS,
        // the Aspire dashboard locally): without an exporter, tracing every request is pure cost.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            var tracing = builder.Configuration.GetSection(TracingOptions.Section).Get<TracingOptions>() ?? new TracingOptions();
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService(serviceName, serviceVersion: typeof(ServiceDefaults).Assembly.GetName().Version?.ToString()))
                .WithTracing(t => t
                    .AddErrorAwareSampling(tracing.SampleRatio)
                    .AddSource(Telemetry.SourceName)
                    .AddSource("Npgsql")
                    .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation())
                .WithMetrics(m => m
                    .AddMeter(Telemetry.SourceName)
                    .AddMeter("Npgsql")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation())
                .WithLogging()
                .UseOtlpExporter();
        }
        else
        {
            // Still create (unrecorded) activities, so trace ids and the correlation id reach the
            // outbox and message attributes with telemetry off.
            ActivitySource.AddActivityListener(PropagationOnly);
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IClock>(SystemClock.Instance);
        return builder;
    }
}
