using System.Text.Json;
using BookingAws.Shared.Messaging;
using BookingAws.Shared.Realtime;
using BookingAws.Workers.Sqs;
using Microsoft.AspNetCore.SignalR;

namespace BookingAws.Workers.Handlers;

/// <summary>
/// Tells portals watching a business that its availability changed, through the SignalR Redis backplane
/// (any API instance holding a watcher's socket delivers it). A push is a hint, not a record: clients
/// refetch availability on it and on reconnect, so a push that cannot be sent is logged and dropped
/// rather than retried minutes later, and no inbox row is kept (a duplicate only causes a refetch).
/// </summary>
public sealed class AvailabilityPushHandler(IHubContext<AvailabilityHub> hub, ILogger<AvailabilityPushHandler> logger) : IMessageHandler
{
    public string Name => "availability.push";

    public async Task HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var document = JsonDocument.Parse(message.Body);
        var root = document.RootElement;
        var booking = root.GetProperty("booking").Deserialize<BookingSnapshot>(Shared.Messaging.Outbox.Json)
            ?? throw new InvalidOperationException("Event without a booking snapshot.");

        var changes = new List<AvailabilityChanged> { new(booking.TenantId, booking.PackageId, booking.StartsAt, booking.EndsAt) };
        if (message.Type == BookingRescheduled.WireName)
        {
            // The old time was freed as well.
            var moved = root.Deserialize<BookingRescheduled>(Shared.Messaging.Outbox.Json)!;
            changes.Add(new(booking.TenantId, booking.PackageId, moved.PreviousStartsAt, moved.PreviousEndsAt));
        }

        var group = hub.Clients.Group(AvailabilityHub.GroupFor(booking.TenantId));
        try
        {
            foreach (var change in changes)
            {
                await group.SendAsync(AvailabilityHub.ChangedMethod, change, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Live availability push for tenant {TenantId} not sent; portals will see the change on their next fetch", booking.TenantId);
        }
    }
}
