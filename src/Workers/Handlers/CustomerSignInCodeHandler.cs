using System.Globalization;
using BookingAws.Shared.Identity;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Email;
using BookingAws.Workers.Sqs;
using Microsoft.EntityFrameworkCore;

namespace BookingAws.Workers.Handlers;

/// <summary>
/// Emails a customer the sign-in code they asked the portal for. The code is derived from the challenge and the
/// address (<see cref="CustomerSignInCodes"/>), never read from the message. Every address gets its code, whether
/// or not it has booked, so asking tells nobody whether an address is a customer.
/// </summary>
public sealed class CustomerSignInCodeHandler(BookingEmailServices services, CustomerSignInCodes codes) : IMessageHandler<CustomerSignInRequested>
{
    public const string Template = "sign-in-code";

    public string Name => "notifications.sign-in-code";

    public async Task HandleAsync(CustomerSignInRequested message, IncomingMessage envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(envelope);
        if (await Inbox.IsHandledAsync(services.Primary, envelope.MessageId, Name, cancellationToken))
        {
            return;
        }

        // A challenge that is not genuine for the address cannot come from the API: fail, so it reaches the DLQ.
        var code = codes.CodeFor(message.Challenge, message.Email)
            ?? throw new InvalidOperationException("The sign-in challenge is not one of ours for this address.");
        var tenantName = await services.Db.Tenants.IgnoreQueryFilters().Where(t => t.Id == message.TenantId).Select(t => t.Name).SingleAsync(cancellationToken);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["tenantName"] = tenantName,
            ["code"] = code,
            ["minutes"] = ((int)CustomerSignInCodes.Lifetime.TotalMinutes).ToString(CultureInfo.InvariantCulture),
        };
        var rendered = services.Templates.Render(Template, values);
        var email = new EmailMessage { To = [message.Email], Subject = rendered.Subject, HtmlBody = rendered.Html, TextBody = rendered.Text };
        await services.Emails.SendAsync(envelope.MessageId, Template, message.TenantId, email, cancellationToken);
        await Inbox.MarkAsync(services.Primary, envelope.MessageId, Name, cancellationToken);
    }
}
