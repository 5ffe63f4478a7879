using System.Diagnostics.Metrics;
using System.Text.Json;
using Amazon.SQS.Model;
using BookingAws.Shared.Domain.Customers;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Tests.Infrastructure;
using NodaTime;

namespace BookingAws.Workers.Tests.Email;

/// <summary>A hard bounce at one business stops that business's emails to the address, and only that business's.</summary>
public class SuppressedRecipientTests
{
    [Fact]
    public async Task After_a_permanent_bounce_at_tenant_A_the_address_gets_no_more_email_from_A_but_still_from_B()
    {
        var queues = await Platform.CreateQueuesAsync();
        var a = await Platform.SeedAsync();
        var address = a.Customer.Email;
        var b = await Platform.SeedAsync();
        b = b with { Customer = await AddCustomerAsync(b.Tenant.Id, address) };
        var bookingA = await Platform.AddBookingAsync(a, Instant.FromUtc(2027, 8, 1, 9, 0));
        var bookingB = await Platform.AddBookingAsync(b, Instant.FromUtc(2027, 8, 1, 9, 0));
        long suppressedCount = 0;
        using var meter = new MeterListener();
        meter.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "bookingaws.email.suppressed")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meter.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref suppressedCount, value));
        meter.Start();

        // SES reports the address as permanently bouncing an email tagged with tenant A (as SES may spell it).
        await SesEventSamples.SendAsync(queues.EmailEvents, SesEventSamples.PermanentBounce(address.ToUpperInvariant(), a.Tenant.Id));
        await using var workers = await WorkerHost.StartAsync(WorkerHost.Settings(queues, a.Tenant.Id));
        await Eventually.TrueAsync(async () => (await EmailEventsTests.RowsAsync(address)).Count == 1, "the bounce to reach A's suppression list");

        var messageA = await SendConfirmedAsync(queues.Notifications, bookingA);
        var messageB = await SendConfirmedAsync(queues.Notifications, bookingB);

        var delivered = Assert.Single(await SesStore.WaitForAsync(address, 1));
        Assert.Contains(bookingB.Id.ToString("D"), delivered.GetProperty("body").GetProperty("text").GetString(), StringComparison.Ordinal);
        await Eventually.TrueAsync(
            async () => await Platform.ScalarAsync("SELECT count(*) FROM email_deliveries WHERE message_id = $1 AND suppressed_reason = 'bounce' AND provider_message_id IS NULL", messageA) == 1
                        && await Platform.ScalarAsync("SELECT count(*) FROM inbox_messages WHERE message_id = $1", messageA) == 1,
            "A's confirmation to be recorded as suppressed and the message handled");
        Assert.Equal(1, await Platform.ScalarAsync("SELECT count(*) FROM email_deliveries WHERE message_id = $1 AND suppressed_reason IS NULL AND provider_message_id IS NOT NULL", messageB));
        Assert.Single(await SesStore.EmailsToAsync(address));
        meter.RecordObservableInstruments();
        Assert.True(Interlocked.Read(ref suppressedCount) >= 1, "bookingaws.email.suppressed was not counted");
    }

    private static async Task<Customer> AddCustomerAsync(Guid tenantId, string email)
    {
        await using var db = Platform.NewDbContext();
        var customer = new Customer { TenantId = tenantId, Email = email, Name = "Ada Lovelace" };
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        return customer;
    }

    private static async Task<Guid> SendConfirmedAsync(string queue, BookingAws.Shared.Domain.Bookings.Booking booking)
    {
        var messageId = Guid.NewGuid();
        await Platform.Sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = await Platform.QueueUrlAsync(queue),
            MessageBody = JsonSerializer.Serialize(new BookingConfirmed(Platform.Snapshot(booking), DateTimeOffset.UtcNow, null, null), Shared.Messaging.Outbox.Json),
            MessageAttributes = new Dictionary<string, MessageAttributeValue>
            {
                [MessageAttributes.Type] = new() { DataType = "String", StringValue = BookingConfirmed.WireName },
                [MessageAttributes.MessageId] = new() { DataType = "String", StringValue = messageId.ToString() },
                [MessageAttributes.TenantId] = new() { DataType = "String", StringValue = booking.TenantId.ToString() },
            },
        });
        return messageId;
    }
}
