using System.Text.Json;
using BookingAws.Shared.Domain.Email;
using MimeKit;

namespace BookingAws.Workers.Email;

/// <summary>
/// One SES event-publishing record (bounce, complaint, reject, delivery delay, rendering failure…) as it arrives on
/// the email-events queue: an SNS notification (no raw message delivery) whose <c>Message</c> is the SES JSON with
/// <c>eventType</c>, <c>mail</c> (with <c>messageId</c> and the email's <c>tags</c>) and one object per event type.
/// </summary>
/// <param name="Recipients">For a bounce the bounced recipients, for a complaint the complaining ones; lower-case.</param>
public sealed record SesEvent(
    string EventType,
    string? MessageId,
    Guid? TenantId,
    string? Kind,
    string? BounceType,
    string? ComplaintFeedbackType,
    IReadOnlyList<string> Recipients)
{
    public const string Bounce = "Bounce";
    public const string Complaint = "Complaint";
    public const string PermanentBounce = "Permanent";

    /// <summary>
    /// Reads an SQS body. Null for SNS's own housekeeping messages (subscription confirmations), which carry no event.
    /// A body that is neither throws <see cref="FormatException"/>, so the message fails and reaches the DLQ.
    /// </summary>
    public static SesEvent? Parse(string body)
    {
        try
        {
            using var outer = JsonDocument.Parse(body);
            var root = outer.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The email event is not a JSON object.");
            }

            if (String(root, "Type") is { } snsType)
            {
                if (snsType != "Notification")
                {
                    return null;
                }

                var message = String(root, "Message") ?? throw new FormatException("The SNS notification has no Message.");
                using var inner = JsonDocument.Parse(message);
                return Read(inner.RootElement);
            }

            // Raw message delivery: the SES record itself.
            return Read(root);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The email event is not valid JSON: {ex.Message}", ex);
        }
    }

    private static SesEvent Read(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("The SES record is not a JSON object.");
        }

        // Configuration-set event publishing says eventType; identity feedback notifications say notificationType.
        var eventType = String(record, "eventType") ?? String(record, "notificationType")
            ?? throw new FormatException("The SES record names no eventType.");
        if (!record.TryGetProperty("mail", out var mail) || mail.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"The SES {eventType} record has no mail object.");
        }

        var tenantTag = Tag(mail, EmailTagNames.TenantId);
        Guid? tenantId = Guid.TryParse(tenantTag, out var tenant) ? tenant : null;
        string? bounceType = null;
        string? feedbackType = null;
        IReadOnlyList<string> recipients = [];
        if (eventType == Bounce && record.TryGetProperty("bounce", out var bounce))
        {
            bounceType = String(bounce, "bounceType");
            recipients = ReadRecipients(bounce, "bouncedRecipients");
        }
        else if (eventType == Complaint && record.TryGetProperty("complaint", out var complaint))
        {
            feedbackType = String(complaint, "complaintFeedbackType");
            recipients = ReadRecipients(complaint, "complainedRecipients");
        }

        return new SesEvent(eventType, String(mail, "messageId"), tenantId, Tag(mail, EmailTagNames.Kind), bounceType, feedbackType, recipients);
    }

    private static List<string> ReadRecipients(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var addresses = new List<string>();
        foreach (var recipient in list.EnumerateArray())
        {
            // Usually a bare address; a display-name form is reduced to its address.
            if (String(recipient, "emailAddress") is { } raw)
            {
                var address = MailboxAddress.TryParse(raw, out var mailbox) ? mailbox.Address : raw;
                if (!string.IsNullOrWhiteSpace(address))
                {
                    addresses.Add(EmailSuppression.Normalize(address));
                }
            }
        }

        return addresses;
    }

    // SES publishes each tag as an array of values.
    private static string? Tag(JsonElement mail, string name) =>
        mail.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object
        && tags.TryGetProperty(name, out var values) && values.ValueKind == JsonValueKind.Array
        && values.GetArrayLength() > 0 && values[0].ValueKind == JsonValueKind.String
            ? values[0].GetString()
            : null;

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
