using BookingAws.Shared.Messaging;

namespace BookingAws.Shared.Webhooks;

/// <summary>The events a business can subscribe to: exactly those <see cref="MessageTopology"/> routes to the webhooks queue.</summary>
public static class WebhookEvents
{
    /// <summary>Subscribes to every event type, including ones added later.</summary>
    public const string All = "*";

    public static IReadOnlyList<string> Types { get; } =
        MessageTopology.Routes.Where(r => r.Queues.Contains(MessageTopology.Webhooks)).Select(r => r.MessageType).ToList();

    public static bool IsKnown(string type) => type == All || Types.Contains(type);
}
