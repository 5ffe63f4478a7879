using Amazon.SQS.Model;
using BookingAws.Shared.Messaging;
using BookingAws.Tests.Common;
using BookingAws.Workers.Sqs;
using BookingAws.Workers.Tests.Infrastructure;
using NodaTime;

namespace BookingAws.Workers.Tests.Email;

/// <summary>An SES outage longer than the queue's receive budget: the confirmation waits it out instead of dead-lettering.</summary>
public class SesOutageTests
{
    [Fact]
    public async Task A_confirmation_failing_on_an_ses_outage_past_the_redrive_limit_is_sent_once_when_ses_returns_and_never_dead_lettered()
    {
        // Three receives before the dead-letter queue: the outage below outlasts them several times over.
        var queues = await Platform.CreateQueuesAsync(maxReceives: 3);
        var seed = await Platform.SeedAsync();
        var booking = await Platform.AddBookingAsync(seed, Instant.FromUtc(2027, 9, 4, 10, 0));
        var messageId = Guid.NewGuid();
        await Platform.SendAsync(queues.Notifications, new BookingConfirmed(Platform.Snapshot(booking), DateTimeOffset.UtcNow, null, null), messageId);

        await using var ses = new FaultProxy(Platform.SesUrl) { Refuse = true };
        var settings = WorkerHost.Settings(queues, seed.Tenant.Id, sesUrl: ses.Url);
        settings["Workers:Consumers:Queues:0"] = "notifications";
        await using var workers = await WorkerHost.StartAsync(settings);

        await Eventually.TrueAsync(
            async () => await Platform.ScalarAsync("SELECT coalesce(max(failures), 0) FROM message_failures WHERE message_id = $1", messageId) >= 6,
            "six failed attempts while SES is down",
            seconds: 90);
        Assert.Equal(0, await CountAsync(queues.Notifications + "-dlq"));
        Assert.Empty(await SesStore.EmailsToAsync(seed.Customer.Email));

        ses.Refuse = false;
        await SesStore.WaitForAsync(seed.Customer.Email, 1, seconds: 60);
        await Eventually.TrueAsync(
            async () => await CountAsync(queues.Notifications) == 0,
            "the notifications queue to be empty");
        Assert.Single(await SesStore.EmailsToAsync(seed.Customer.Email));
        Assert.Equal(0, await CountAsync(queues.Notifications + "-dlq"));
    }

    [Fact]
    public void Outages_are_told_from_permanent_failures()
    {
        Assert.True(TransientFailure.Is(new BookingAws.Workers.Email.EmailSendException("down", System.Net.HttpStatusCode.ServiceUnavailable, null, isTransient: true)));
        Assert.True(TransientFailure.Is(new HttpRequestException("refused")));
        Assert.True(TransientFailure.Is(new Stripe.StripeException(System.Net.HttpStatusCode.BadGateway, null, "bad gateway")));
        Assert.True(TransientFailure.Is(new InvalidOperationException("wrapped", new TimeoutException())));
        Assert.False(TransientFailure.Is(new BookingAws.Workers.Email.EmailSendException("rejected", System.Net.HttpStatusCode.BadRequest, "MessageRejected", isTransient: false)));
        Assert.False(TransientFailure.Is(new Stripe.StripeException(System.Net.HttpStatusCode.BadRequest, null, "invalid")));
        Assert.False(TransientFailure.Is(new InvalidOperationException("No booking")));
    }

    [Fact]
    public void A_requeued_copy_carries_its_first_failure_and_attempts_forward()
    {
        var first = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var copy = new Message
        {
            MessageAttributes = new() { [MessageAttributes.Retry] = new() { DataType = "String", StringValue = new RetryState(first, 4).ToAttribute() } },
        };
        Assert.Equal(new RetryState(first, 5), RetryState.Of(copy, receiveCount: 1, first.AddHours(1)));
        Assert.Equal(new RetryState(first.AddHours(1), 2), RetryState.Of(new Message(), receiveCount: 2, first.AddHours(1)));
    }

    private static async Task<int> CountAsync(string queue)
    {
        var attributes = await Platform.Sqs.GetQueueAttributesAsync(await Platform.QueueUrlAsync(queue), ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"]);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible + attributes.ApproximateNumberOfMessagesDelayed;
    }
}
