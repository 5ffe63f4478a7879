using BookingAws.Shared.Messaging;
using BookingAws.Workers.Analytics;
using BookingAws.Workers.Sqs;

namespace BookingAws.Workers.Handlers;

/// <summary>
/// Feeds the daily analytics figures: says what each booking event means for them and leaves the writing, with its
/// idempotency and ordering rules, to <see cref="BookingAnalyticsProjection"/>.
/// </summary>
public sealed class BookingAnalyticsHandler(BookingAnalyticsProjection projection)
    : IMessageHandler<BookingHeld>, IMessageHandler<BookingConfirmed>, IMessageHandler<BookingCancelled>,
      IMessageHandler<BookingRescheduled>, IMessageHandler<BookingExpired>, IMessageHandler<BookingCompleted>
{
    public string Name => "analytics.daily-stats";

    public Task HandleAsync(BookingHeld message, IncomingMessage envelope, CancellationToken cancellationToken) =>
        ApplyAsync(envelope, message?.Booking, BookingAnalyticsChange.None, cancellationToken);

    public Task HandleAsync(BookingConfirmed message, IncomingMessage envelope, CancellationToken cancellationToken) =>
        ApplyAsync(envelope, message?.Booking, BookingAnalyticsChange.Confirmed, cancellationToken);

    public Task HandleAsync(BookingCancelled message, IncomingMessage envelope, CancellationToken cancellationToken) =>
        ApplyAsync(envelope, message?.Booking, BookingAnalyticsChange.Cancelled, cancellationToken);

    public Task HandleAsync(BookingRescheduled message, IncomingMessage envelope, CancellationToken cancellationToken) =>
        ApplyAsync(envelope, message?.Booking, BookingAnalyticsChange.Rescheduled, cancellationToken);

    public Task HandleAsync(BookingExpired message, IncomingMessage envelope, CancellationToken cancellationToken) =>
        ApplyAsync(envelope, message?.Booking, BookingAnalyticsChange.None, cancellationToken);

    public Task HandleAsync(BookingCompleted message, IncomingMessage envelope, CancellationToken cancellationToken) =>
        ApplyAsync(envelope, message?.Booking, BookingAnalyticsChange.None, cancellationToken);

    private Task ApplyAsync(IncomingMessage envelope, BookingSnapshot? booking, BookingAnalyticsChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var snapshot = booking ?? throw new InvalidOperationException("Event without a booking snapshot.");
        return projection.ApplyAsync(envelope.MessageId, Name, change, snapshot, cancellationToken);
    }
}
