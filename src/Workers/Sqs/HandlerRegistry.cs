using System.Text.Json;
using BookingAws.Shared.Messaging;

namespace BookingAws.Workers.Sqs;

/// <summary>
/// Which handler runs for a (queue, wire name) pair, filled one line per handler at start-up in the spirit of
/// aws-dotnet-messaging's <c>AddMessageHandler&lt;THandler, TMessage&gt;()</c>. Each binding knows its message type,
/// so the consumer deserializes once and hands the handler a typed message.
/// </summary>
public sealed class HandlerRegistry
{
    private readonly Dictionary<(string Queue, string Type), HandlerBinding> _handlers = [];
    private readonly Dictionary<string, HandlerBinding> _raw = new(StringComparer.Ordinal);

    public HandlerRegistry AddMessageHandler<THandler, TMessage>(QueueDeclaration queue)
        where THandler : IMessageHandler<TMessage>
        where TMessage : IMessage
    {
        ArgumentNullException.ThrowIfNull(queue);
        var binding = new HandlerBinding(typeof(THandler), TMessage.WireName, async (services, envelope, cancellationToken) =>
        {
            var message = JsonSerializer.Deserialize<TMessage>(envelope.Body, Shared.Messaging.Outbox.Json)
                ?? throw new InvalidOperationException($"Empty {TMessage.WireName} payload.");
            await services.GetRequiredService<THandler>().HandleAsync(message, envelope, cancellationToken);
        });
        if (!_handlers.TryAdd((queue.Name, TMessage.WireName), binding))
        {
            throw new InvalidOperationException($"Two handlers for {TMessage.WireName} on {queue.Name}.");
        }

        return this;
    }

    /// <summary>Hands every message of <paramref name="queue"/> to <typeparamref name="THandler"/>, whatever its body.</summary>
    public HandlerRegistry AddRawMessageHandler<THandler>(QueueDeclaration queue)
        where THandler : IRawMessageHandler
    {
        ArgumentNullException.ThrowIfNull(queue);
        var binding = new HandlerBinding(typeof(THandler), null, (services, envelope, cancellationToken) =>
            services.GetRequiredService<THandler>().HandleAsync(envelope, cancellationToken));
        if (!_raw.TryAdd(queue.Name, binding))
        {
            throw new InvalidOperationException($"Two raw handlers for {queue.Name}.");
        }

        return this;
    }

    /// <summary>The handler for a message on a queue: the queue's raw handler, else the one for its wire name.</summary>
    public HandlerBinding? Find(string queue, string wireName) =>
        _raw.GetValueOrDefault(queue) ?? _handlers.GetValueOrDefault((queue, wireName));

    public IEnumerable<Type> HandlerTypes => _handlers.Values.Concat(_raw.Values).Select(b => b.Handler).Distinct();

    /// <summary>
    /// Where this registry and the declared topology disagree, one sentence each naming the route: a delivery
    /// (outbox route or schedule) that no handler takes, which the consumer could only leave to reach the DLQ; a
    /// handler that nothing sends to; a queue filled by an AWS service without a raw handler, or a raw handler on
    /// an outbox queue.
    /// </summary>
    public IReadOnlyList<string> Mismatches(IEnumerable<(string MessageType, QueueDeclaration Queue)> deliveries, IEnumerable<QueueDeclaration> queues)
    {
        var sent = deliveries.Select(d => (d.Queue.Name, d.MessageType)).ToHashSet();
        var declared = queues.ToDictionary(q => q.Name, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (queue, type) in sent.Where(d => !_handlers.ContainsKey(d)).Order())
        {
            problems.Add($"{type} → {queue} is routed but no handler is registered for it on {queue}.");
        }

        foreach (var ((queue, type), binding) in _handlers.Where(h => !sent.Contains(h.Key)).OrderBy(h => h.Key))
        {
            problems.Add($"{binding.Handler.Name} handles {type} on {queue}, but no route or schedule sends {type} to {queue}.");
        }

        foreach (var queue in declared.Values.Where(q => q.FedBy != QueueFeed.Outbox && !_raw.ContainsKey(q.Name)))
        {
            problems.Add($"{queue.Name} is filled by {queue.FedBy} but has no raw handler.");
        }

        foreach (var (queue, binding) in _raw.Where(r => !declared.TryGetValue(r.Key, out var q) || q.FedBy == QueueFeed.Outbox))
        {
            problems.Add($"{binding.Handler.Name} takes every message on {queue}, which is not a queue an AWS service fills.");
        }

        return problems;
    }

    /// <summary>Refuses to run when <see cref="Mismatches"/> finds any: a route without a handler is a deployment error.</summary>
    public void EnsureMatches(IEnumerable<(string MessageType, QueueDeclaration Queue)> deliveries, IEnumerable<QueueDeclaration> queues)
    {
        var problems = Mismatches(deliveries, queues);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                "The message handlers do not match MessageTopology:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        }
    }
}

/// <summary>A registered handler and how to run it on a received message (deserializing typed ones first).</summary>
/// <param name="MessageType">The wire name it takes; null for a raw handler.</param>
public sealed record HandlerBinding(Type Handler, string? MessageType, Func<IServiceProvider, IncomingMessage, CancellationToken, Task> Invoke);
