using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.SQS.Model;
using BookingAws.Workers.Tests.Infrastructure;

namespace BookingAws.Workers.Tests.Email;

/// <summary>
/// SES event-publishing records shaped as AWS documents them ("Examples of event data that Amazon SES publishes to
/// Amazon SNS"), wrapped in the SNS notification that a non-raw SQS subscription delivers.
/// </summary>
public static class SesEventSamples
{
    public static string PermanentBounce(string recipient, Guid? tenantId, string kind = "booking-confirmed", string? sesMessageId = null) =>
        Wrap(Record("Bounce", recipient, tenantId, kind, sesMessageId, new JsonObject
        {
            ["bounce"] = new JsonObject
            {
                ["bounceType"] = "Permanent",
                ["bounceSubType"] = "General",
                ["bouncedRecipients"] = new JsonArray(new JsonObject
                {
                    ["emailAddress"] = recipient,
                    ["action"] = "failed",
                    ["status"] = "5.1.1",
                    ["diagnosticCode"] = "smtp; 550 5.1.1 user unknown",
                }),
                ["timestamp"] = "2027-05-02T09:00:02.669Z",
                ["feedbackId"] = "01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000",
                ["reportingMTA"] = "dsn; mta.example.com",
            },
        }));

    public static string TransientBounce(string recipient, Guid? tenantId) =>
        Wrap(Record("Bounce", recipient, tenantId, "booking-reminder", null, new JsonObject
        {
            ["bounce"] = new JsonObject
            {
                ["bounceType"] = "Transient",
                ["bounceSubType"] = "MailboxFull",
                ["bouncedRecipients"] = new JsonArray(new JsonObject { ["emailAddress"] = recipient, ["status"] = "4.2.2" }),
                ["timestamp"] = "2027-05-02T09:00:02.669Z",
                ["feedbackId"] = "01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000001",
            },
        }));

    public static string Complaint(string recipient, Guid? tenantId) =>
        Wrap(Record("Complaint", recipient, tenantId, "booking-reminder", null, new JsonObject
        {
            ["complaint"] = new JsonObject
            {
                ["complainedRecipients"] = new JsonArray(new JsonObject { ["emailAddress"] = recipient }),
                ["timestamp"] = "2027-05-02T09:10:02.669Z",
                ["feedbackId"] = "01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000002",
                ["userAgent"] = "Mozilla/5.0",
                ["complaintFeedbackType"] = "abuse",
                ["arrivalDate"] = "2027-05-02T09:10:00.000Z",
            },
        }));

    public static async Task SendAsync(string queueName, string body)
    {
        var url = await Platform.QueueUrlAsync(queueName);
        await Platform.Sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = url, MessageBody = body });
    }

    private static JsonObject Record(string eventType, string recipient, Guid? tenantId, string kind, string? sesMessageId, JsonObject details)
    {
        var tags = new JsonObject
        {
            ["ses:configuration-set"] = new JsonArray("bookingaws-events"),
            ["ses:source-ip"] = new JsonArray("192.0.2.0"),
            ["ses:from-domain"] = new JsonArray("mail.example.com"),
            ["ses:caller-identity"] = new JsonArray("bookingaws-workers"),
            ["kind"] = new JsonArray(kind),
        };
        if (tenantId is { } id)
        {
            tags["tenant_id"] = new JsonArray(id.ToString("D"));
        }

        var record = new JsonObject
        {
            ["eventType"] = eventType,
            ["mail"] = new JsonObject
            {
                ["timestamp"] = "2027-05-02T09:00:00.012Z",
                ["source"] = "Kayak & Co <bookings@mail.example.com>",
                ["sourceArn"] = "arn:aws:ses:eu-west-2:123456789012:identity/mail.example.com",
                ["sendingAccountId"] = "123456789012",
                ["messageId"] = sesMessageId ?? $"0102018f{Guid.NewGuid():N}-000000",
                ["destination"] = new JsonArray(recipient),
                ["headersTruncated"] = false,
                ["tags"] = tags,
            },
        };
        foreach (var (name, value) in details.ToList())
        {
            details.Remove(name);
            record[name] = value;
        }

        return record;
    }

    private static string Wrap(JsonObject record) => new JsonObject
    {
        ["Type"] = "Notification",
        ["MessageId"] = Guid.NewGuid().ToString("D"),
        ["TopicArn"] = "arn:aws:sns:eu-west-2:123456789012:bookingaws-email-events",
        ["Message"] = record.ToJsonString(),
        ["Timestamp"] = "2027-05-02T09:00:03.000Z",
        ["SignatureVersion"] = "1",
        ["Signature"] = "EXAMPLE",
        ["SigningCertURL"] = "https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-example.pem",
        ["UnsubscribeURL"] = "https://sns.eu-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=example",
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
