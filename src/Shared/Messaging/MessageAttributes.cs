namespace BookingAws.Shared.Messaging;

/// <summary>SQS message attribute names the relay writes and the workers read.</summary>
public static class MessageAttributes
{
    public const string Type = "type";
    public const string TenantId = "tenant-id";
    public const string MessageId = "message-id";
    public const string TraceParent = "traceparent";
    public const string CorrelationId = "correlation-id";

    /// <summary>On a copy requeued after an outage: when the message first failed and how many attempts it has had.</summary>
    public const string Retry = "retry";
}
