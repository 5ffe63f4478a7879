using System.Diagnostics;
using Microsoft.Extensions.Primitives;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace BookingAws.Api.Infrastructure.Tracing;

/// <summary>
/// ASP.NET Core parents its request span on what its <see cref="DistributedContextPropagator"/> (from DI) extracts
/// from the headers. This one extracts only from a trusted caller (<see cref="TraceContextTrust"/>); anyone else
/// gets a new root trace, so an internet caller can neither join our traces, pick our trace ids, force sampling
/// with its sampled flag, nor hand us baggage. <see cref="EdgeTraceMiddleware"/> keeps its context as a link.
/// </summary>
internal sealed class TrustAwareDistributedContextPropagator(
    DistributedContextPropagator inner, IHttpContextAccessor accessor, TraceContextTrust trust) : DistributedContextPropagator
{
    public override IReadOnlyCollection<string> Fields => inner.Fields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) => inner.Inject(activity, carrier, setter);

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        if (Trusted(carrier))
        {
            inner.ExtractTraceIdAndState(carrier, getter, out traceId, out traceState);
            return;
        }

        traceId = null;
        traceState = null;
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) =>
        Trusted(carrier) ? inner.ExtractBaggage(carrier, getter) : null;

    // Hosting extracts from the request's own headers while the accessor already holds that request; any other
    // carrier is not a request we can judge.
    private bool Trusted(object? carrier) =>
        accessor.HttpContext is { } context && ReferenceEquals(carrier, context.Request.Headers) && trust.Trusts(context);
}

/// <summary>
/// The OpenTelemetry ASP.NET Core instrumentation extracts the headers again with OpenTelemetry's default
/// propagator and, when that differs from what ASP.NET Core chose, replaces the request span with one parented on
/// the header. This wrapper gives it nothing from an untrusted caller, so it keeps ASP.NET Core's new root.
/// </summary>
internal sealed class TrustAwareTextMapPropagator(TextMapPropagator inner) : TextMapPropagator
{
    public override ISet<string>? Fields => inner.Fields;

    /// <summary>Wraps the process-wide default once (both hosts of a test run share it).</summary>
    public static void Install()
    {
        // Touching Sdk runs its static set-up, which installs the default (W3C trace context + baggage) we wrap.
        _ = Sdk.SuppressInstrumentation;
        if (Propagators.DefaultTextMapPropagator is not TrustAwareTextMapPropagator)
        {
            Sdk.SetDefaultTextMapPropagator(new TrustAwareTextMapPropagator(Propagators.DefaultTextMapPropagator));
        }
    }

    public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter) => inner.Inject(context, carrier, setter);

    public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        if (carrier is HttpRequest request
            && request.HttpContext.RequestServices.GetService<TraceContextTrust>() is { } trust
            && !trust.Trusts(request.HttpContext))
        {
            return context;
        }

        return inner.Extract(context, carrier, getter);
    }
}

/// <summary>
/// First in the pipeline. Links the request span to an untrusted caller's trace context (kept, not followed), and
/// tags it with the edge's own request ids, so CloudFront's logs (<c>x-edge-request-id</c>) and the ALB's access
/// logs (<c>trace_id</c>) lead to the trace and back: neither emits spans of its own.
/// </summary>
internal sealed class EdgeTraceMiddleware(RequestDelegate next, TraceContextTrust trust)
{
    private const int MaxLength = 128;

    public Task InvokeAsync(HttpContext context)
    {
        if (Activity.Current is { } span)
        {
            var headers = context.Request.Headers;
            if (!trust.Trusts(context)
                && ActivityContext.TryParse(Printable(headers.TraceParent), Printable(headers.TraceState), isRemote: true, out var caller)
                && caller.TraceId != span.TraceId)
            {
                span.AddLink(new ActivityLink(caller));
            }

            if (span.IsAllDataRequested)
            {
                span.SetTag("aws.cloudfront.request_id", Printable(headers["X-Amz-Cf-Id"]));
                span.SetTag("aws.alb.trace_id", Printable(headers["X-Amzn-Trace-Id"]));
            }
        }

        return next(context);
    }

    // The headers come from the internet and end up in trace storage: bounded, printable, or nothing.
    private static string? Printable(StringValues values)
    {
        var value = values.ToString();
        return value.Length is > 0 and <= MaxLength && value.All(c => c is >= ' ' and <= '~') ? value : null;
    }
}
