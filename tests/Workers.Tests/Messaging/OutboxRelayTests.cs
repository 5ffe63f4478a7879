using BookingAws.Shared.Messaging;
using BookingAws.Tests.Common;
using BookingAws.Workers.Outbox;
using BookingAws.Workers.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace BookingAws.Workers.Tests.Messaging;

public class OutboxRelayTests
{
    [Fact]
    public async Task With_sqs_down_rows_stay_unsent_with_their_error_and_go_out_when_it_returns()
    {
        var queues = await Platform.CreateQueuesAsync();
        var seed = await Platform.SeedAsync();
        var booking = await Platform.AddBookingAsync(seed, Instant.FromUtc(2027, 5, 2, 10, 0));
        await Platform.WriteOutboxAsync(new BookingConfirmed(Platform.Snapshot(booking), DateTimeOffset.UtcNow, null, null));
        await Platform.WriteOutboxAsync(new BookingCancelled(Platform.Snapshot(booking, "cancelled"), DateTimeOffset.UtcNow, "staff", null));

        await using var sqs = new FaultProxy(Platform.SqsUrl) { Refuse = true };
        var down = WorkerHost.Settings(queues, seed.Tenant.Id, sqsUrl: sqs.Url);
        down["Workers:Consumers:Enabled"] = "false";
        down["Workers:Relay:Enabled"] = "false";
        await using (var workers = await WorkerHost.StartAsync(down))
        {
            var relay = workers.Services.GetRequiredService<OutboxRelay>();
            var result = await relay.RelayBatchAsync(CancellationToken.None);
            Assert.Equal(0, result.Sent);
            Assert.Equal(2, result.Failed);

            // What on-call sees meanwhile: the rows count in the backlog, and their age grows (OutboxAge alarm).
            Assert.Equal(2, await Platform.ScalarAsync(
                "WITH aged AS (UPDATE outbox_messages SET occurred_at = now() - interval '10 minutes' WHERE tenant_id = $1 RETURNING 1) SELECT count(*) FROM aged",
                seed.Tenant.Id));
            var (backlog, oldestAge) = await relay.BacklogAsync(CancellationToken.None);
            Assert.True(backlog >= 2, $"backlog {backlog}");
            Assert.True(oldestAge >= 600, $"oldest unsent row {oldestAge} s old");

            sqs.Refuse = false;
            await Eventually.TrueAsync(async () => (await relay.RelayBatchAsync(CancellationToken.None)).Sent == 2, "the relay to publish both rows once SQS is back");
        }

        Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE tenant_id = $1 AND sent_at IS NULL", seed.Tenant.Id));
        Assert.Equal(2, await Platform.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE tenant_id = $1 AND attempts >= 2 AND last_error IS NULL", seed.Tenant.Id));

        // confirmed and cancelled → notifications + analytics each. Nothing on payments: no handler there takes a
        // cancellation (refunds on that queue are a later change), and a routed message without one was a bug.
        Assert.Equal(2, await CountAsync(queues.Notifications));
        Assert.Equal(2, await CountAsync(queues.Analytics));
        Assert.Equal(0, await CountAsync(queues.Payments));
    }

    [Fact]
    public async Task A_missing_availability_queue_drops_the_push_but_never_holds_back_email_or_analytics()
    {
        var queues = await Platform.CreateQueuesAsync();
        var seed = await Platform.SeedAsync();
        var booking = await Platform.AddBookingAsync(seed, Instant.FromUtc(2027, 5, 4, 10, 0));
        await Platform.WriteOutboxAsync(new BookingConfirmed(Platform.Snapshot(booking), DateTimeOffset.UtcNow, null, null));

        var settings = WorkerHost.Settings(queues with { Availability = "no-such-queue-" + Guid.NewGuid().ToString("N")[..8] }, seed.Tenant.Id);
        settings["Workers:Consumers:Enabled"] = "false";
        settings["Workers:Relay:Enabled"] = "false";
        await using (var workers = await WorkerHost.StartAsync(settings))
        {
            var result = await workers.Services.GetRequiredService<OutboxRelay>().RelayBatchAsync(CancellationToken.None);
            Assert.Equal((1, 0), (result.Sent, result.Failed));
        }

        Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE tenant_id = $1 AND sent_at IS NULL", seed.Tenant.Id));
        Assert.Equal(1, await CountAsync(queues.Notifications));
        Assert.Equal(1, await CountAsync(queues.Analytics));
    }

    [Fact]
    public async Task Two_relays_running_at_once_publish_every_row_exactly_once()
    {
        var queues = await Platform.CreateQueuesAsync();
        var seed = await Platform.SeedAsync();
        var booking = await Platform.AddBookingAsync(seed, Instant.FromUtc(2027, 5, 3, 10, 0));
        for (var i = 0; i < 60; i++)
        {
            await Platform.WriteOutboxAsync(new BookingReminderDue(seed.Tenant.Id, booking.Id, $"2027-05-{i % 28 + 1:00}"));
        }

        var settings = WorkerHost.Settings(queues, seed.Tenant.Id);
        settings["Workers:Consumers:Enabled"] = "false";
        settings["Workers:Relay:BatchSize"] = "7";
        await using (var first = await WorkerHost.StartAsync(settings))
        await using (var second = await WorkerHost.StartAsync(settings))
        {
            await Eventually.TrueAsync(
                async () => await Platform.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE tenant_id = $1 AND sent_at IS NULL", seed.Tenant.Id) == 0,
                "both relays to drain the outbox");
        }

        Assert.Equal(60, await CountAsync(queues.Notifications));
        Assert.Equal(60, await Platform.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE tenant_id = $1 AND attempts = 1", seed.Tenant.Id));
    }

    private static async Task<int> CountAsync(string queue)
    {
        var url = await Platform.QueueUrlAsync(queue);
        var attributes = await Platform.Sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages"]);
        return attributes.ApproximateNumberOfMessages;
    }
}
