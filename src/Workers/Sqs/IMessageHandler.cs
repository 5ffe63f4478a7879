using BookingAws.Shared.Messaging;

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
    private readonly Dictionary<string, RawRoute> _raw = new(StringComparer.Ordinal);

    public HandlerRegistry Map<THandler>(string queue, string wireName)
        where THandler : IMessageHandler
    {
        _handlers.Add((queue, wireName), typeof(THandler));
        return this;
    }

    /// <summary>
    /// Hands every message of <paramref name="queue"/> to <typeparamref name="THandler"/>, whatever its body: for a
    /// queue that an AWS service fills (SES events through SNS), whose messages carry none of the outbox's attributes.
    /// The queue is named by <paramref name="queueName"/> from the SQS settings.
    /// </summary>
    public HandlerRegistry MapRaw<THandler>(string queue, Func<QueueNames, string> queueName)
        where THandler : IMessageHandler
    {
        _raw.Add(queue, new RawRoute(typeof(THandler), queueName));
        return this;
    }

    public Type? Find(string queue, string wireName) => _handlers.GetValueOrDefault((queue, wireName));

    public RawRoute? FindRaw(string queue) => _raw.GetValueOrDefault(queue);

    public IEnumerable<Type> HandlerTypes => _handlers.Values.Concat(_raw.Values.Select(r => r.Handler)).Distinct();
}

/// <summary>A queue whose every message goes to one handler, and where its name comes from.</summary>
public sealed record RawRoute(Type Handler, Func<QueueNames, string> QueueName);
