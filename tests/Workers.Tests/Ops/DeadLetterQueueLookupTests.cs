using Amazon.SQS.Model;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Ops;
using BookingAws.Workers.Sqs;
using BookingAws.Workers.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace BookingAws.Workers.Tests.Ops;

/// <summary>The CDK names a queue's DLQ whatever it likes; the ops commands must follow the queue's RedrivePolicy.</summary>
public sealed class DeadLetterQueueLookupTests
{
    [Fact]
    public async Task The_DLQ_is_the_one_the_redrive_policy_names_not_name_dash_dlq_and_redrive_empties_it()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var source = await Platform.Sqs.CreateQueueAsync($"t-{suffix}-work");
        var parked = await Platform.Sqs.CreateQueueAsync($"t-{suffix}-DeadLetter{Guid.NewGuid():N}"[..40]);
        var arn = (await Platform.Sqs.GetQueueAttributesAsync(parked.QueueUrl, ["QueueArn"])).QueueARN;
        await Platform.Sqs.SetQueueAttributesAsync(source.QueueUrl, new Dictionary<string, string>
        {
            ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{arn}}","maxReceiveCount":"3"}""",
        });
        await Platform.Sqs.SendMessageAsync(parked.QueueUrl, "parked");
        var resolver = Resolver(notifications: $"t-{suffix}-work");

        var dlq = await resolver.DeadLetterUrlForAsync(MessageTopology.Notifications.Name, CancellationToken.None);
        var moved = await new DeadLetters(Platform.Sqs, resolver, Platform.Db).RedriveAsync(MessageTopology.Notifications.Name, CancellationToken.None);

        Assert.Equal(parked.QueueUrl, dlq);
        Assert.Equal(1, moved);
        var back = await Platform.Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = source.QueueUrl, WaitTimeSeconds = 2 });
        Assert.Equal("parked", Assert.Single(back.Messages ?? []).Body);
    }

    [Fact]
    public async Task A_queue_without_a_redrive_policy_is_reported_as_having_no_DLQ()
    {
        var name = $"t-{Guid.NewGuid():N}"[..20] + "-plain";
        await Platform.Sqs.CreateQueueAsync(name);
        await Platform.Sqs.CreateQueueAsync(name + "-dlq");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Resolver(notifications: name).DeadLetterUrlForAsync(MessageTopology.Notifications.Name, CancellationToken.None));

        Assert.Contains("no RedrivePolicy", error.Message, StringComparison.Ordinal);
    }

    private static QueueResolver Resolver(string notifications) =>
        new(Platform.Sqs, Options.Create(new SqsOptions { Queues = new QueueNames { [MessageTopology.Notifications] = notifications } }));
}
