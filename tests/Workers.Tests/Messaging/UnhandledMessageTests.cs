using System.Text.Json;
using Amazon.SQS.Model;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Tests.Infrastructure;
using NodaTime;

namespace BookingAws.Workers.Tests.Messaging;

/// <summary>A message nothing on its queue handles is never deleted: it returns, and after its receives it waits in the
/// dead-letter queue with the reason, where a person can see it and redrive it.</summary>
public class UnhandledMessageTests
{
    [Fact]
    public async Task A_cancellation_on_the_payments_queue_is_not_deleted_but_reaches_the_DLQ_with_its_reason()
    {
        var queues = await Platform.CreateQueuesAsync(maxReceives: 2);
        var seed = await Platform.SeedAsync();
        var booking = await Platform.AddBookingAsync(seed, Instant.FromUtc(2027, 6, 2, 10, 0));
        var messageId = Guid.NewGuid();

        // What the old routing put there, and the consumer deleted as "no handler".
        await Platform.Sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = await Platform.QueueUrlAsync(queues.Payments),
            MessageBody = JsonSerializer.Serialize(new BookingCancelled(Platform.Snapshot(booking, "cancelled"), DateTimeOffset.UtcNow, "customer", null), Shared.Messaging.Outbox.Json),
            MessageAttributes = new Dictionary<string, MessageAttributeValue>
            {
                [MessageAttributes.Type] = new() { DataType = "String", StringValue = BookingCancelled.WireName },
                [MessageAttributes.MessageId] = new() { DataType = "String", StringValue = messageId.ToString() },
                [MessageAttributes.TenantId] = new() { DataType = "String", StringValue = seed.Tenant.Id.ToString() },
            },
        });

        var settings = WorkerHost.Settings(queues, seed.Tenant.Id);
        settings["Workers:Consumers:Queues:0"] = "payments";
        settings["Workers:Relay:Enabled"] = "false";
        await using (await WorkerHost.StartAsync(settings))
        {
            await Eventually.TrueAsync(async () => await CountAsync(queues.Payments + "-dlq") == 1, "the unhandled message to reach the DLQ", seconds: 60);
        }

        var parked = await Platform.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = await Platform.QueueUrlAsync(queues.Payments + "-dlq"),
            MessageAttributeNames = ["All"],
            WaitTimeSeconds = 2,
        });
        Assert.Equal(messageId.ToString(), Assert.Single(parked.Messages).MessageAttributes[MessageAttributes.MessageId].StringValue);
        Assert.Equal(0, await CountAsync(queues.Payments));
        Assert.Equal(1, await Platform.ScalarAsync(
            "SELECT count(*) FROM message_failures WHERE message_id = $1 AND queue = 'payments' AND last_error = 'No handler for booking.cancelled.v1 on payments'", messageId));
    }

    private static async Task<int> CountAsync(string queue)
    {
        var attributes = await Platform.Sqs.GetQueueAttributesAsync(await Platform.QueueUrlAsync(queue), ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }
}
