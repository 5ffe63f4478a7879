using BookingAws.Shared.Messaging;

namespace BookingAws.Workers.Sqs;

/// <summary>A message as the consumer received it: its envelope, for idempotency keys, logs and raw handlers.</summary>
/// <param name="MessageId">The outbox id (attribute <c>message-id</c>); the idempotency key.</param>
public sealed record IncomingMessage(
    Guid MessageId,
    string Type,
    Guid? TenantId,
    string Body,
    string? CorrelationId,
    int ReceiveCount,
    string Queue);

/// <summary>Handles one message type, already deserialized by the consumer from its wire name. Handlers are
/// idempotent: the same message may arrive again.</summary>
public interface IMessageHandler<in TMessage>
    where TMessage : IMessage
{
    /// <summary>Consumer name recorded in the inbox, stable across deployments.</summary>
    string Name { get; }

    Task HandleAsync(TMessage message, IncomingMessage envelope, CancellationToken cancellationToken);
}

/// <summary>Handles every message of a queue that an AWS service fills (SES events through SNS), whose messages
/// carry none of the outbox's attributes and no wire name.</summary>
public interface IRawMessageHandler
{
    string Name { get; }

    Task HandleAsync(IncomingMessage message, CancellationToken cancellationToken);
}
