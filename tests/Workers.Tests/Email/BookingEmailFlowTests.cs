using System.Text;
using System.Text.Json;
using Amazon.SQS.Model;
using BookingAws.Shared.Messaging;
using BookingAws.Tests.Common;
using BookingAws.Workers.Tests.Infrastructure;
using NodaTime;
using UglyToad.PdfPig;

namespace BookingAws.Workers.Tests.Email;

/// <summary>From an outbox row to the customer's inbox, through the real relay, SQS, consumers and SES server.</summary>
public class BookingEmailFlowTests
{
    [Fact]
    public async Task Paid_confirmation_sends_invite_and_receipt_once_and_counts_the_booking()
    {
        var queues = await Platform.CreateQueuesAsync();
        var seed = await Platform.SeedAsync();
        var starts = Instant.FromUtc(2027, 3, 28, 9, 30);
        var booking = await Platform.AddBookingAsync(seed, starts, seats: 2, receiptNumber: 1042);
        await Platform.WriteOutboxAsync(new BookingConfirmed(Platform.Snapshot(booking), DateTimeOffset.UtcNow, booking.PaymentIntentId, 1042));

        await using var workers = await WorkerHost.StartAsync(WorkerHost.Settings(queues, seed.Tenant.Id));
        var emails = await SesStore.WaitForAsync(seed.Customer.Email, 2);

        var confirmation = Assert.Single(emails, e => e.GetProperty("subject").GetString()!.Contains("is confirmed", StringComparison.Ordinal));
        Assert.Contains("Sunday 28 March 2027, 10:30 BST", confirmation.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Contains("Kayak &amp; Co &lt;Harbour&gt;", confirmation.GetProperty("body").GetProperty("html").GetString(), StringComparison.Ordinal);

        // The "manage" link names this booking and carries a token the API accepts for it (same key).
        var links = new BookingAws.Shared.Domain.Bookings.BookingLinks(Microsoft.Extensions.Options.Options.Create(
            new BookingAws.Shared.Domain.Bookings.BookingLinkOptions { SigningKey = WorkerHost.LinkKey, PortalBaseUrl = "https://portal.example.test" }));
        var manage = $"https://portal.example.test/?business={seed.Tenant.Slug}&booking={booking.Id:D}#token={links.TokenFor(booking.Id)}";
        Assert.Contains(manage, confirmation.GetProperty("body").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains(manage.Replace("&", "&amp;", StringComparison.Ordinal), confirmation.GetProperty("body").GetProperty("html").GetString(), StringComparison.Ordinal);
        var ics = Encoding.UTF8.GetString(Convert.FromBase64String(Attachment(confirmation, "booking.ics").GetProperty("content").GetString()!));
        var invite = Ical.Net.Calendar.Load(ics)!;
        Assert.Equal("REQUEST", invite.Method);
        var evt = Assert.Single(invite.Events);
        Assert.Equal((new DateTime(2027, 3, 28, 9, 30, 0, DateTimeKind.Utc), new DateTime(2027, 3, 28, 11, 0, 0, DateTimeKind.Utc)), (evt.DtStart!.AsUtc, evt.DtEnd!.AsUtc));
        Assert.Equal(($"{booking.Id:D}@bookingaws", 0), (evt.Uid, evt.Sequence));
        Assert.Equal("Kayak & Co <Harbour>", evt.Location);
        Assert.Equal($"mailto:{seed.Customer.Email}", Assert.Single(evt.Attendees).Value!.ToString());

        var receipt = Assert.Single(emails, e => e.GetProperty("subject").GetString()!.StartsWith("Receipt 1042", StringComparison.Ordinal));
        var pdf = Convert.FromBase64String(Attachment(receipt, "receipt-1042.pdf").GetProperty("content").GetString()!);
        using (var document = PdfDocument.Open(pdf))
        {
            var text = string.Join(" ", document.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
            Assert.Contains("1042", text, StringComparison.Ordinal);
            Assert.Contains("50.00", text, StringComparison.Ordinal);
            Assert.Contains("8.33", text, StringComparison.Ordinal);
            Assert.Contains(booking.PaymentIntentId!, text, StringComparison.Ordinal);
        }

        await Eventually.TrueAsync(
            async () => await Platform.ScalarAsync("SELECT coalesce(sum(bookings), 0) FROM tenant_daily_stats WHERE tenant_id = $1", seed.Tenant.Id) == 1,
            "the analytics projection to count the booking");
        Assert.Equal(5000, await Platform.ScalarAsync("SELECT sum(revenue_minor) FROM tenant_daily_stats WHERE tenant_id = $1 AND date = '2027-03-28'", seed.Tenant.Id));
        Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE tenant_id = $1 AND sent_at IS NULL", seed.Tenant.Id));
        Assert.Equal(2, (await SesStore.EmailsToAsync(seed.Customer.Email)).Count);
    }

    [Fact]
    public async Task A_booking_moved_across_the_clock_change_then_cancelled_updates_then_withdraws_one_calendar_event()
    {
        var queues = await Platform.CreateQueuesAsync();
        var seed = await Platform.SeedAsync();
        var saturday = Instant.FromUtc(2027, 3, 27, 10, 0);
        var sunday = Instant.FromUtc(2027, 3, 28, 9, 0);
        var booking = await Platform.AddBookingAsync(seed, saturday);
        await using var workers = await WorkerHost.StartAsync(WorkerHost.Settings(queues, seed.Tenant.Id));

        await Platform.WriteOutboxAsync(new BookingConfirmed(Platform.Snapshot(booking), DateTimeOffset.UtcNow, null, null));
        var invite = await CalendarAsync(seed, 1, "is confirmed");

        // The rows as the booking core leaves them (its writes raising calendar_sequence are tested through the API).
        var end = sunday + Duration.FromMinutes(seed.Package.DurationMinutes);
        await Platform.ScalarAsync("UPDATE bookings SET starts_at = $2, ends_at = $3, calendar_sequence = 1 WHERE id = $1 RETURNING 1", booking.Id, sunday, end);
        var moved = Platform.Snapshot(booking) with { StartsAt = sunday.ToDateTimeOffset(), EndsAt = end.ToDateTimeOffset() };
        await Platform.WriteOutboxAsync(new BookingRescheduled(moved, booking.StartsAt.ToDateTimeOffset(), booking.EndsAt.ToDateTimeOffset()));
        var update = await CalendarAsync(seed, 2, "has moved");

        await Platform.ScalarAsync(
            "UPDATE bookings SET status = 'cancelled', cancelled_at = now(), cancelled_by = 'business', calendar_sequence = 2 WHERE id = $1 RETURNING 1", booking.Id);
        await Platform.WriteOutboxAsync(new BookingCancelled(moved with { Status = "cancelled" }, DateTimeOffset.UtcNow, "business", "Storm warning"));
        var cancel = await CalendarAsync(seed, 3, "is cancelled");

        Assert.Equal(["REQUEST", "REQUEST", "CANCEL"], new[] { invite, update, cancel }.Select(c => c.Method));
        var events = new[] { invite, update, cancel }.Select(c => Assert.Single(c.Events)).ToList();
        Assert.All(events, e => Assert.Equal($"{booking.Id:D}@bookingaws", e.Uid));
        Assert.Equal([0, 1, 2], events.Select(e => e.Sequence));

        // Saturday 10:00 GMT, then Sunday 10:00 BST: the same wall time, an hour apart in UTC terms of the day.
        Assert.Equal((new DateTime(2027, 3, 27, 10, 0, 0), "Europe/London"), (events[0].DtStart!.Value, events[0].DtStart!.TzId));
        Assert.Equal(new DateTime(2027, 3, 28, 10, 0, 0), events[1].DtStart!.Value);
        Assert.Equal(new DateTime(2027, 3, 28, 9, 0, 0, DateTimeKind.Utc), events[1].DtStart!.AsUtc);
        Assert.Equal(("CONFIRMED", "CANCELLED"), (events[1].Status, events[2].Status));
    }

    /// <summary>Waits for the customer's <paramref name="count"/>th email and parses the invite of the one whose subject has <paramref name="subject"/>.</summary>
    private static async Task<Ical.Net.Calendar> CalendarAsync(Seed seed, int count, string subject)
    {
        var emails = await SesStore.WaitForAsync(seed.Customer.Email, count);
        var email = Assert.Single(emails, e => e.GetProperty("subject").GetString()!.Contains(subject, StringComparison.Ordinal));
        var ics = Encoding.UTF8.GetString(Convert.FromBase64String(Attachment(email, "booking.ics").GetProperty("content").GetString()!));
        return Ical.Net.Calendar.Load(ics)!;
    }

    [Fact]
    public async Task The_same_message_delivered_twice_sends_one_email_and_counts_once()
    {
        var queues = await Platform.CreateQueuesAsync();
        var seed = await Platform.SeedAsync();
        var booking = await Platform.AddBookingAsync(seed, Instant.FromUtc(2027, 6, 1, 12, 0), seats: 3);
        var evt = new BookingConfirmed(Platform.Snapshot(booking), DateTimeOffset.UtcNow, null, null);
        var messageId = Guid.NewGuid();

        foreach (var queue in new[] { queues.Notifications, queues.Notifications, queues.Analytics, queues.Analytics })
        {
            var url = await Platform.QueueUrlAsync(queue);
            await Platform.Sqs.SendMessageAsync(new SendMessageRequest
            {
                QueueUrl = url,
                MessageBody = JsonSerializer.Serialize(evt, Shared.Messaging.Outbox.Json),
                MessageAttributes = new Dictionary<string, MessageAttributeValue>
                {
                    [MessageAttributes.Type] = new() { DataType = "String", StringValue = BookingConfirmed.WireName },
                    [MessageAttributes.MessageId] = new() { DataType = "String", StringValue = messageId.ToString() },
                    [MessageAttributes.TenantId] = new() { DataType = "String", StringValue = seed.Tenant.Id.ToString() },
                },
            });
        }

        await using var workers = await WorkerHost.StartAsync(WorkerHost.Settings(queues, seed.Tenant.Id));
        await Eventually.TrueAsync(
            async () => await Platform.ScalarAsync("SELECT count(*) FROM inbox_messages WHERE message_id = $1", messageId) == 2
                        && await QueueEmptyAsync(queues.Notifications) && await QueueEmptyAsync(queues.Analytics),
            "both copies on both queues to be handled");

        Assert.Single(await SesStore.EmailsToAsync(seed.Customer.Email));
        Assert.Equal(1, await Platform.ScalarAsync("SELECT sum(bookings) FROM tenant_daily_stats WHERE tenant_id = $1", seed.Tenant.Id));
        Assert.Equal(3, await Platform.ScalarAsync("SELECT sum(seats) FROM tenant_daily_stats WHERE tenant_id = $1", seed.Tenant.Id));
    }

    [Fact]
    public async Task Emails_arrive_once_the_mail_server_is_back_after_an_outage()
    {
        var queues = await Platform.CreateQueuesAsync(maxReceives: 50);
        var seed = await Platform.SeedAsync();
        await using var ses = new FaultProxy(Platform.SesUrl) { Refuse = true };
        var booking = await Platform.AddBookingAsync(seed, Instant.FromUtc(2027, 7, 1, 8, 0));

        await using var workers = await WorkerHost.StartAsync(WorkerHost.Settings(queues, seed.Tenant.Id, sesUrl: ses.Url));
        await Platform.WriteOutboxAsync(new BookingCancelled(Platform.Snapshot(booking, "cancelled"), DateTimeOffset.UtcNow, "customer", "Weather"));

        await Eventually.TrueAsync(
            async () => await Platform.ScalarAsync("SELECT coalesce(sum(failures), 0) FROM message_failures f JOIN outbox_messages o ON o.id = f.message_id WHERE o.tenant_id = $1", seed.Tenant.Id) >= 2,
            "the handler to fail at least twice while SES is down");
        Assert.Empty(await SesStore.EmailsToAsync(seed.Customer.Email));

        ses.Refuse = false;
        var email = Assert.Single(await SesStore.WaitForAsync(seed.Customer.Email, 1, seconds: 60));
        Assert.Contains("is cancelled", email.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Contains("Weather", email.GetProperty("body").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    private static async Task<bool> QueueEmptyAsync(string name)
    {
        var url = await Platform.QueueUrlAsync(name);
        var attributes = await Platform.Sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
        return attributes.ApproximateNumberOfMessages == 0 && attributes.ApproximateNumberOfMessagesNotVisible == 0;
    }

    private static JsonElement Attachment(JsonElement email, string name) =>
        email.GetProperty("attachments").EnumerateArray().Single(a => a.GetProperty("filename").GetString() == name);
}
