using BookingAws.Shared.Messaging;
using BookingAws.Shared.Realtime;
using BookingAws.Workers.Sqs;

namespace BookingAws.Workers.Handlers;

/// <summary>
/// Tells portals watching a business that its availability changed, through the SignalR Redis backplane
/// (any API instance holding a watcher's socket delivers it), coalesced per business by
/// <see cref="AvailabilityPushCoalescer"/>. A push is a hint, not a record: clients refetch availability on
/// it and on reconnect, so a push that cannot be sent is logged and dropped rather than retried minutes
/// later, and no inbox row is kept (a duplicate only causes a refetch).
/// </summary>
public sealed class AvailabilityPushHandler(AvailabilityPushCoalescer pushes)
    : IMessageHandler<BookingHeld>, IMessageHandler<BookingConfirmed>, IMessageHandler<BookingCancelled>,
      IMessageHandler<BookingExpired>, IMessageHandler<BookingRescheduled>, IMessageHandler<BookingAttendanceMarked>
{
    public string Name => "availability.push";

    public Task HandleAsync(BookingHeld message, IncomingMessage envelope, CancellationToken cancellationToken) => PushAsync(message?.Booking, null, cancellationToken);

    public Task HandleAsync(BookingConfirmed message, IncomingMessage envelope, CancellationToken cancellationToken) => PushAsync(message?.Booking, null, cancellationToken);

    public Task HandleAsync(BookingCancelled message, IncomingMessage envelope, CancellationToken cancellationToken) => PushAsync(message?.Booking, null, cancellationToken);

    public Task HandleAsync(BookingExpired message, IncomingMessage envelope, CancellationToken cancellationToken) => PushAsync(message?.Booking, null, cancellationToken);

    // Frees nothing, but the dashboards showing the day watch through the same push and reload on it.
    public Task HandleAsync(BookingAttendanceMarked message, IncomingMessage envelope, CancellationToken cancellationToken) => PushAsync(message?.Booking, null, cancellationToken);

    // The old time was freed as well.
    public Task HandleAsync(BookingRescheduled message, IncomingMessage envelope, CancellationToken cancellationToken) =>
        PushAsync(message?.Booking, message is null ? null : new ChangedTime(message.PreviousStartsAt, message.PreviousEndsAt), cancellationToken);

    private Task PushAsync(BookingSnapshot? snapshot, ChangedTime? freed, CancellationToken cancellationToken)
    {
        var booking = snapshot ?? throw new InvalidOperationException("Event without a booking snapshot.");
        var changes = new List<ChangedTime> { new(booking.StartsAt, booking.EndsAt) };
        if (freed is not null)
        {
            changes.Add(freed);
        }

        return pushes.PushAsync(booking.TenantId, changes, cancellationToken);
    }
}
