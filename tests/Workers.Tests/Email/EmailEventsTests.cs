using Amazon.SQS.Model;
using BookingAws.Workers.Email;
using BookingAws.Workers.Tests.Infrastructure;
using Npgsql;

namespace BookingAws.Workers.Tests.Email;

/// <summary>SES bounces and complaints, SNS-wrapped on the email-events queue, fill the tenants' suppression lists.</summary>
public class EmailEventsTests
{
    [Fact]
    public async Task Permanent_bounces_and_complaints_suppress_per_tenant_and_transient_bounces_do_not()
    {
        var queues = await Platform.CreateQueuesAsync();
        var seed = await Platform.SeedAsync();
        var tenant = seed.Tenant.Id;
        var bounced = $"Bounced-{Guid.NewGuid():N}@Example.com";
        var complained = $"complained-{Guid.NewGuid():N}@example.com";
        var full = $"full-{Guid.NewGuid():N}@example.com";
        var untagged = $"untagged-{Guid.NewGuid():N}@example.com";
        await SesEventSamples.SendAsync(queues.EmailEvents, SesEventSamples.PermanentBounce(bounced, tenant, sesMessageId: "0102018f-bounce-1"));
        await SesEventSamples.SendAsync(queues.EmailEvents, SesEventSamples.PermanentBounce(bounced, tenant, sesMessageId: "0102018f-bounce-1")); // SNS delivers at least once
        await SesEventSamples.SendAsync(queues.EmailEvents, SesEventSamples.Complaint(complained, tenant));
        await SesEventSamples.SendAsync(queues.EmailEvents, SesEventSamples.TransientBounce(full, tenant));
        await SesEventSamples.SendAsync(queues.EmailEvents, SesEventSamples.PermanentBounce(untagged, tenantId: null));

        await using var workers = await WorkerHost.StartAsync(WorkerHost.Settings(queues, tenant));
        await Eventually.TrueAsync(async () => await QueueDrainedAsync(queues.EmailEvents), "the email-events queue to drain");

        var rows = await RowsAsync(bounced, complained, full, untagged);
        var bounce = Assert.Single(rows, r => string.Equals(r.Email, bounced, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(bounced.ToLowerInvariant(), bounce.Email); // stored lower-case
        Assert.Equal((tenant, "bounce", "0102018f-bounce-1"), (bounce.TenantId, bounce.Reason, bounce.Source));
        var complaint = Assert.Single(rows, r => r.Email == complained);
        Assert.Equal((tenant, "complaint"), (complaint.TenantId, complaint.Reason));
        Assert.DoesNotContain(rows, r => r.Email == full);
        var platformWide = Assert.Single(rows, r => r.Email == untagged);
        Assert.Null(platformWide.TenantId);
    }

    [Fact]
    public async Task A_message_that_is_not_an_SES_event_goes_to_the_DLQ_and_the_consumer_keeps_going()
    {
        var queues = await Platform.CreateQueuesAsync(maxReceives: 2);
        var seed = await Platform.SeedAsync();
        var after = $"after-{Guid.NewGuid():N}@example.com";
        await SesEventSamples.SendAsync(queues.EmailEvents, "<html>not json</html>");
        await SesEventSamples.SendAsync(queues.EmailEvents, """{"Type":"Notification","Message":"{\"mail\":{}}"}""");

        await using var workers = await WorkerHost.StartAsync(WorkerHost.Settings(queues, seed.Tenant.Id));
        var dlq = await Platform.QueueUrlAsync(queues.EmailEvents + "-dlq");
        await Eventually.TrueAsync(
            async () => (await Platform.Sqs.GetQueueAttributesAsync(dlq, ["ApproximateNumberOfMessages"])).ApproximateNumberOfMessages == 2,
            "both unreadable messages to reach the DLQ",
            60);

        await SesEventSamples.SendAsync(queues.EmailEvents, SesEventSamples.PermanentBounce(after, seed.Tenant.Id));
        await Eventually.TrueAsync(async () => (await RowsAsync(after)).Count == 1, "a later bounce to be recorded");
        var letters = await Platform.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = dlq, MaxNumberOfMessages = 10 });
        Assert.Contains(letters.Messages, m => m.Body == "<html>not json</html>");
    }

    [Fact]
    public void The_documented_SNS_wrapped_bounce_is_read_with_its_tenant_kind_and_recipients()
    {
        var tenant = Guid.NewGuid();

        var evt = SesEvent.Parse(SesEventSamples.PermanentBounce("Guest <Guest@Example.com>", tenant, "receipt", "0102018f-id"));

        Assert.NotNull(evt);
        Assert.Equal(("Bounce", "Permanent", tenant, "receipt", "0102018f-id"), (evt.EventType, evt.BounceType, evt.TenantId, evt.Kind, evt.MessageId));
        Assert.Equal(["guest@example.com"], evt.Recipients);
        Assert.Null(SesEvent.Parse("""{"Type":"SubscriptionConfirmation","Message":"You have chosen to subscribe"}"""));
        Assert.Throws<FormatException>(() => SesEvent.Parse("""{"Type":"Notification","Message":"not json"}"""));
    }

    private static async Task<bool> QueueDrainedAsync(string name)
    {
        var url = await Platform.QueueUrlAsync(name);
        var attributes = await Platform.Sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
        return attributes.ApproximateNumberOfMessages == 0 && attributes.ApproximateNumberOfMessagesNotVisible == 0;
    }

    internal static async Task<List<(Guid? TenantId, string Email, string Reason, string? Source)>> RowsAsync(params string[] emails)
    {
        await using var cmd = Platform.Db.CreateCommand("SELECT tenant_id, email, reason, source_message_id FROM email_suppressions WHERE email = ANY($1)");
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. emails.Select(e => e.ToLowerInvariant())] });
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<(Guid?, string, string, string?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.IsDBNull(0) ? null : reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return rows;
    }
}
