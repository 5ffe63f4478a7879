using Amazon.SQS.Model;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Ops;
using BookingAws.Workers.Tests.Infrastructure;
using Spectre.Console.Testing;

namespace BookingAws.Workers.Tests.Ops;

public class DeadLetterTests
{
    [Fact]
    public async Task A_poison_message_lands_in_the_dlq_after_n_receives_and_redrive_moves_it_back()
    {
        var queues = await Platform.CreateQueuesAsync(maxReceives: 3);
        var seed = await Platform.SeedAsync();
        var messageId = Guid.NewGuid();

        // A confirmation of a booking that does not exist: the handler fails every time.
        var ghost = new BookingSnapshot(Guid.NewGuid(), seed.Tenant.Id, seed.Package.Id, seed.Customer.Id, "confirmed", 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), 100, "GBP");
        await Platform.SendAsync(queues.Notifications, new BookingConfirmed(ghost, DateTimeOffset.UtcNow, null, null), messageId, seed.Tenant.Id);

        var settings = WorkerHost.Settings(queues, seed.Tenant.Id);
        settings["Workers:Consumers:Queues:0"] = "notifications";
        await using (var workers = await WorkerHost.StartAsync(settings))
        {
            await Eventually.TrueAsync(async () => await CountAsync(queues.Notifications + "-dlq") == 1, "the message to reach the DLQ", seconds: 60);
        }

        Assert.Equal(3, await Platform.ScalarAsync("SELECT failures FROM message_failures WHERE message_id = $1", messageId));

        var config = settings.Select(kv => kv);
        var list = new TestConsole();
        list.Profile.Width = 400;
        Assert.Equal(0, await OpsCli.RunAsync(["dlq", "list", "--queue", "notifications"], list, config));
        Assert.Contains(messageId.ToString(), list.Output, StringComparison.Ordinal);
        Assert.Contains("not found", list.Output, StringComparison.Ordinal);
        Assert.Contains("1 message(s)", list.Output, StringComparison.Ordinal);

        var redrive = new TestConsole();
        Assert.Equal(0, await OpsCli.RunAsync(["dlq", "redrive", "--queue", "notifications"], redrive, config));
        Assert.Contains("Moved 1 message(s)", redrive.Output, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(queues.Notifications + "-dlq"));

        var back = await Platform.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = await Platform.QueueUrlAsync(queues.Notifications),
            MessageAttributeNames = ["All"],
            WaitTimeSeconds = 2,
        });
        var message = Assert.Single(back.Messages);
        Assert.Equal(messageId.ToString(), message.MessageAttributes[MessageAttributes.MessageId].StringValue);
        Assert.Equal(BookingConfirmed.WireName, message.MessageAttributes[MessageAttributes.Type].StringValue);
    }

    private static async Task<int> CountAsync(string queue)
    {
        var attributes = await Platform.Sqs.GetQueueAttributesAsync(await Platform.QueueUrlAsync(queue), ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }
}
