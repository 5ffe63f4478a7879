namespace BookingAws.Workers.Sqs;

/// <summary>A message as the consumer hands it to a handler.</summary>
/// <param name="MessageId">The outbox id (attribute <c>message-id</c>); the idempotency key.</param>
public sealed record IncomingMessage(
    Guid MessageId,
    string Type,
    Guid? TenantId,
    string Body,
    string? CorrelationId,
    int ReceiveCount,
    string Queue);

/// <summary>Handles one message type on one queue. Handlers are idempotent: the same message may arrive again.</summary>
public interface IMessageHandler
{
    /// <summary>Consumer name recorded in the inbox, stable across deployments.</summary>
    string Name { get; }

    Task HandleAsync(IncomingMessage message, CancellationToken cancellationToken);
}

/// <summary>Which handler runs for a (queue concern, wire name) pair; filled explicitly at start-up.</summary>
public sealed class HandlerRegistry
{
    private readonly Dictionary<(string Queue, string Type), Type> _handlers = [];

    public HandlerRegistry Map<THandler>(string queue, string wireName)
        where THandler : IMessageHandler
    {
        _handlers.Add((queue, wireName), typeof(THandler));
        return this;
    }

    public Type? Find(string queue, string wireName) => _handlers.GetValueOrDefault((queue, wireName));

    public IEnumerable<Type> HandlerTypes => _handlers.Values.Distinct();
}
