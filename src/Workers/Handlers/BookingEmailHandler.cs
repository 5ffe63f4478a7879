using System.Text;
using BookingAws.Shared.Calendar;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Email;
using BookingAws.Workers.Sqs;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;

namespace BookingAws.Workers.Handlers;

/// <summary>What every booking email handler needs, resolved once per message scope.</summary>
public sealed class BookingEmailServices(
    BookingDbContext db,
    [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource primary,
    OnceEmailSender emails,
    TemplateRenderer templates,
    BookingLinks links,
    IOptions<SesOptions> ses)
{
    public BookingDbContext Db => db;

    public NpgsqlDataSource Primary => primary;

    public OnceEmailSender Emails => emails;

    public TemplateRenderer Templates => templates;

    public BookingLinks Links => links;

    /// <summary>The address invitations come from, named as their organizer.</summary>
    public string SenderAddress => ses.Value.FromAddress ?? SesOptions.DevelopmentFromAddress;
}

/// <summary>
/// Shared shape of the handlers that email a customer about a booking: skip if the inbox has the message, read the
/// booking's facts from the primary, send each email once (<see cref="OnceEmailSender"/>), then record the message
/// in the inbox. A failure between two emails of one message retries only the unsent one.
/// </summary>
public abstract class BookingEmailHandler<TEvent>(BookingEmailServices services) : IMessageHandler<TEvent>
    where TEvent : IBookingEvent
{
    public abstract string Name { get; }

    public async Task HandleAsync(TEvent message, IncomingMessage envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(envelope);
        if (!Wants(message))
        {
            return;
        }

        if (await Inbox.IsHandledAsync(services.Primary, envelope.MessageId, Name, cancellationToken))
        {
            return;
        }

        // Missing on the primary means the event is wrong, not late: fail so it reaches the DLQ with its error.
        var facts = await BookingEmailFacts.LoadAsync(services.Db, services.Links, message.BookingId, cancellationToken)
            ?? throw new InvalidOperationException($"Booking {message.BookingId} not found.");

        await SendAsync(envelope, message, facts, cancellationToken);
        await Inbox.MarkAsync(services.Primary, envelope.MessageId, Name, cancellationToken);
    }

    protected abstract Task SendAsync(IncomingMessage message, TEvent evt, BookingEmailFacts facts, CancellationToken cancellationToken);

    /// <summary>Signs links and derives one-time codes.</summary>
    protected BookingLinks Links => services.Links;

    /// <summary>Whether this event means an email at all; answered before any database read.</summary>
    protected virtual bool Wants(TEvent message) => true;

    protected Task<bool> SendTemplateAsync(
        IncomingMessage message,
        string template,
        BookingEmailFacts facts,
        IReadOnlyDictionary<string, string> values,
        IReadOnlyList<EmailAttachment> attachments,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(facts);
        var rendered = services.Templates.Render(template, values);
        var email = new EmailMessage
        {
            To = [facts.Customer.Email],
            Subject = rendered.Subject,
            HtmlBody = rendered.Html,
            TextBody = rendered.Text,
            Attachments = attachments,
        };
        return services.Emails.SendAsync(message.MessageId, template, facts.Booking.TenantId, email, cancellationToken);
    }

    /// <summary>
    /// The booking as an invitation (<see cref="IcsMethod.Request"/>: add or update) or its withdrawal
    /// (<see cref="IcsMethod.Cancel"/>), one UID per booking and its current calendar revision, in the business's zone.
    /// </summary>
    protected EmailAttachment Calendar(BookingEmailFacts facts, DateTimeOffset stamp, IcsMethod method = IcsMethod.Request)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var evt = new IcsEvent(
            facts.Booking.Id,
            facts.CalendarSequence,
            facts.Booking.StartsAt,
            facts.Booking.EndsAt,
            $"{facts.Package.Name} ({facts.Booking.Seats} × seat)",
            facts.Tenant.Name,
            $"Booking {BookingReference.For(facts.Booking.Id)}. Manage it: {facts.ManageUrl}",
            AttendeeEmail: facts.Customer.Email,
            AttendeeName: facts.Customer.Name);
        var ics = IcsCalendar.Create(method, facts.Zone, new IcsOrganizer(facts.Tenant.Name, services.SenderAddress), Instant.FromDateTimeOffset(stamp), [evt]);
        return new EmailAttachment("booking.ics", IcsCalendar.ContentType(method), Encoding.UTF8.GetBytes(ics));
    }
}
