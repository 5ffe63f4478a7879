using System.Diagnostics;
using Serilog.Context;

namespace BookingAws.Api.Infrastructure;

/// <summary>
/// Gives every request one correlation id, taken from the caller (<c>X-Correlation-Id</c>) or the ALB
/// (<c>X-Amzn-Trace-Id</c>) when present, else the W3C trace id. It is returned in the response,
/// added to every log line and tagged on the trace, so one id finds a request in logs, traces and
/// (through outbox message attributes) the workers.
/// </summary>
internal sealed class CorrelationIdMiddleware(RequestDelegate next)
{
    public const string Header = "X-Correlation-Id";
    private const string AlbHeader = "X-Amzn-Trace-Id";
    private const int MaxLength = 128;

    public async Task InvokeAsync(HttpContext context)
    {
        var id = FromHeader(context, Header) ?? FromHeader(context, AlbHeader)
            ?? Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;

        context.TraceIdentifier = id;
        // OnStarting, not now: the exception handler clears headers before writing a problem response.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = id;
            return Task.CompletedTask;
        });
        Activity.Current?.SetTag("correlation.id", id);
        Activity.Current?.AddBaggage("correlation.id", id);

        using (LogContext.PushProperty("CorrelationId", id))
        {
            await next(context);
        }
    }

    // Only printable, bounded values: the header is attacker-controlled and ends up in logs.
    private static string? FromHeader(HttpContext context, string name)
    {
        var value = context.Request.Headers[name].ToString();
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxLength)
        {
            return null;
        }

        return value.All(c => c is >= '!' and <= '~') ? value : null;
    }
}
