using BookingAws.Shared.Domain.Email;
using BookingAws.Workers.Email;
using BookingAws.Workers.Sqs;

namespace BookingAws.Workers.Handlers;

/// <summary>
/// SES events from the configuration set (through SNS and the email-events queue). A permanent bounce or a complaint
/// puts its recipients on the suppression list of the tenant named by the email's <c>tenant_id</c> tag; without that
/// tag the row is platform-wide (tenant null), since an address that hard-bounces for one sender will for all of them,
/// and every send checks platform-wide rows too. Transient bounces and other events are only counted and logged.
/// Adding is idempotent, so a redelivered event changes nothing; a body that is not an SES event fails and goes to the DLQ.
/// </summary>
public sealed partial class EmailEventsHandler(SuppressionList suppressions, ILogger<EmailEventsHandler> logger) : IRawMessageHandler
{
    public string Name => "email-events.ses";

    public async Task HandleAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var evt = SesEvent.Parse(message.Body);
        if (evt is null)
        {
            LogNotAnEvent(logger, message.MessageId);
            return;
        }

        EmailMetrics.Events.Add(1, new("event_type", evt.EventType), new("bounce_type", evt.BounceType));
        var reason = evt switch
        {
            { EventType: SesEvent.Bounce, BounceType: SesEvent.PermanentBounce } => SuppressionReason.Bounce,

            // "not-spam" is a mailbox provider telling us the recipient took the email back out of spam.
            { EventType: SesEvent.Complaint, ComplaintFeedbackType: not "not-spam" } => SuppressionReason.Complaint,
            _ => null,
        };
        if (reason is null)
        {
            LogNotSuppressing(logger, evt.EventType, evt.BounceType, evt.MessageId, evt.TenantId, evt.Kind);
            return;
        }

        if (evt.Recipients.Count == 0)
        {
            throw new FormatException($"The SES {evt.EventType} event for {evt.MessageId} names no recipients.");
        }

        var added = await suppressions.AddAsync(evt.TenantId, evt.Recipients, reason, evt.MessageId, cancellationToken);
        EmailMetrics.SuppressionsAdded.Add(added, new KeyValuePair<string, object?>("reason", reason));
        LogSuppressed(logger, evt.Recipients.Count, added, reason, evt.TenantId?.ToString() ?? "platform-wide", evt.MessageId, evt.Kind);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Email-events message {MessageId} is SNS housekeeping, not an SES event; dropped")]
    private static partial void LogNotAnEvent(ILogger logger, Guid messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "SES {EventType} ({BounceType}) for email {SesMessageId} of tenant {TenantId} ({Kind}); nothing suppressed")]
    private static partial void LogNotSuppressing(ILogger logger, string eventType, string? bounceType, string? sesMessageId, Guid? tenantId, string? kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Suppressing {Count} address(es) ({Added} new) for {Reason} on the list of {Scope}, from email {SesMessageId} ({Kind})")]
    private static partial void LogSuppressed(ILogger logger, int count, int added, string reason, string scope, string? sesMessageId, string? kind);
}
