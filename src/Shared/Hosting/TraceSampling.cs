using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace BookingAws.Shared.Hosting;

/// <summary>Section <c>Tracing</c>, shared by both hosts; each stage sets its own ratio (<c>Tracing__SampleRatio</c>).</summary>
public sealed class TracingOptions
{
    public const string Section = "Tracing";

    /// <summary>Share of traces exported in full, decided once at the root from the trace id. Failed spans are
    /// exported whatever this says.</summary>
    [Range(0.0, 1.0)]
    public double SampleRatio { get; set; } = 1.0;
}

/// <summary>
/// "Every error, a share of the rest" with head sampling. The decision is made when the root span starts,
/// long before anything can fail, so a ratio alone would drop most failures. Instead a trace outside the
/// ratio is still recorded in memory (<see cref="SamplingDecision.RecordOnly"/>: tags, status and events are
/// kept, the sampled flag stays off, so nothing is exported and downstream services make the same call), and
/// <see cref="KeepFailedSpansProcessor"/> flips the sampled flag at the end of any span that failed, before the export
/// processors look at it. An unsampled failing request therefore arrives as its failing spans (the server span
/// of a 5xx, the span that threw, the worker span whose handler failed), not as the whole tree; a sampled
/// trace arrives whole. The cost of recording unsampled spans is CPU on the host, not X-Ray traces.
/// </summary>
public static class TraceSampling
{
    /// <summary>The sampler and the error processor. The processor must run before the exporters' processors: it
    /// does when added first, and <c>UseOtlpExporter</c> gives its own a pipeline weight that sorts it last anyway.</summary>
    public static TracerProviderBuilder AddErrorAwareSampling(this TracerProviderBuilder builder, double ratio) =>
        builder.SetSampler(new ErrorAwareSampler(ratio)).AddProcessor(new KeepFailedSpansProcessor());

    /// <summary>A failed span: error status (5xx server spans, 4xx/5xx client spans, failed handlers), an
    /// <c>error.type</c> tag, or a recorded exception.</summary>
    public static bool IsError(Activity activity)
    {
        if (activity.Status == ActivityStatusCode.Error || activity.GetTagItem("error.type") is not null)
        {
            return true;
        }

        foreach (var e in activity.Events)
        {
            if (e.Name == "exception")
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// Parent-based, then by trace id ratio at the root, so the API, the relay and the workers agree on one trace
/// without talking to each other; what the ratio drops is recorded but not sampled (see <see cref="TraceSampling"/>).
/// </summary>
public sealed class ErrorAwareSampler(double ratio) : Sampler
{
    private readonly ParentBasedSampler inner = new(new TraceIdRatioBasedSampler(ratio));

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var result = inner.ShouldSample(samplingParameters);
        return result.Decision == SamplingDecision.Drop ? new SamplingResult(SamplingDecision.RecordOnly) : result;
    }
}

/// <summary>Marks failed spans of unsampled traces as sampled so the exporters that follow send them.</summary>
public sealed class KeepFailedSpansProcessor : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        if (!data.Recorded && TraceSampling.IsError(data))
        {
            data.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
        }
    }
}
