using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Email;
using BookingAws.Workers.Sqs;
using Microsoft.EntityFrameworkCore;

namespace BookingAws.Workers.Handlers;

/// <summary>
/// Emails the invitation of a new staff member or owner: who invited them, to which business, and the dashboard's
/// address, where they sign in with this email. Their password is not ours to send: Cognito emails a temporary one
/// to a new user of the pool (someone who already has an account keeps theirs). A membership removed before the
/// queue reached this message is not invited any more, so nothing is sent.
/// </summary>
public sealed class StaffInvitedHandler(BookingEmailServices services) : IMessageHandler<StaffInvited>
{
    public const string Template = "staff-invitation";

    public string Name => "notifications.staff-invitation";

    public async Task HandleAsync(StaffInvited message, IncomingMessage envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(envelope);
        if (await Inbox.IsHandledAsync(services.Primary, envelope.MessageId, Name, cancellationToken))
        {
            return;
        }

        var invited = await services.Db.StaffUsers.IgnoreQueryFilters()
            .Where(m => m.Id == message.StaffUserId && m.TenantId == message.TenantId)
            .Join(services.Db.Tenants.IgnoreQueryFilters(), m => m.TenantId, t => t.Id, (m, t) => new { m.Email, m.Role, t.Name, t.Slug })
            .SingleOrDefaultAsync(cancellationToken);
        if (invited is not null)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["tenantName"] = invited.Name,
                ["invitedBy"] = message.InvitedBy,
                ["role"] = invited.Role == Roles.Owner ? "an owner" : "a member of staff",
                ["email"] = invited.Email,
                ["dashboardUrl"] = services.Links.DashboardUrl(invited.Slug),
            };
            var rendered = services.Templates.Render(Template, values);
            var email = new EmailMessage { To = [invited.Email], Subject = rendered.Subject, HtmlBody = rendered.Html, TextBody = rendered.Text };
            await services.Emails.SendAsync(envelope.MessageId, Template, message.TenantId, email, cancellationToken);
        }

        await Inbox.MarkAsync(services.Primary, envelope.MessageId, Name, cancellationToken);
    }
}
