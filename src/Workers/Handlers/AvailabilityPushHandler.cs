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
public sealed class AvailabilityPushHandler(IHubContext<AvailabilityHub> hub, ILogger<AvailabilityPushHandler> logger)
    : IMessageHandler<BookingHeld>, IMessageHandler<BookingConfirmed>, IMessageHandler<BookingCancelled>,
      IMessageHandler<BookingExpired>, IMessageHandler<BookingRescheduled>
{
    public string Name => "availability.push";

    public Task HandleAsync(BookingHeld message, IncomingMessage envelope, CancellationToken cancellationToken) => PushAsync(message?.Booking, null, cancellationToken);

    public Task HandleAsync(BookingConfirmed message, IncomingMessage envelope, CancellationToken cancellationToken) => PushAsync(message?.Booking, null, cancellationToken);

    public Task HandleAsync(BookingCancelled message, IncomingMessage envelope, CancellationToken cancellationToken) => PushAsync(message?.Booking, null, cancellationToken);

    public Task HandleAsync(BookingExpired message, IncomingMessage envelope, CancellationToken cancellationToken) => PushAsync(message?.Booking, null, cancellationToken);

    // The old time was freed as well.
    public Task HandleAsync(BookingRescheduled message, IncomingMessage envelope, CancellationToken cancellationToken) =>
        PushAsync(message?.Booking, message is null ? null : (message.PreviousStartsAt, message.PreviousEndsAt), cancellationToken);

    private async Task PushAsync(BookingSnapshot? snapshot, (DateTimeOffset StartsAt, DateTimeOffset EndsAt)? freed, CancellationToken cancellationToken)
    {
        var booking = snapshot ?? throw new InvalidOperationException("Event without a booking snapshot.");
        var changes = new List<AvailabilityChanged> { new(booking.TenantId, booking.PackageId, booking.StartsAt, booking.EndsAt) };
        if (freed is { } previous)
        {
            changes.Add(new(booking.TenantId, booking.PackageId, previous.StartsAt, previous.EndsAt));
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
