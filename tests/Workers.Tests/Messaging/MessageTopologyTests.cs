using BookingAws.Shared.Messaging;
using BookingAws.Workers.Handlers;
using BookingAws.Workers.Ops;
using BookingAws.Workers.Sqs;
using BookingAws.Workers.Tests.Infrastructure;

namespace BookingAws.Workers.Tests.Messaging;

/// <summary>The declared topology and the workers' handler registrations must agree, and the derived local queue list
/// must be the declaration's.</summary>
public class MessageTopologyTests
{
    [Fact]
    public void Every_routed_or_scheduled_message_has_a_handler_on_its_queue_and_every_handler_a_route()
    {
        var mismatches = WorkerServiceCollectionExtensions.MessageHandlers().Mismatches(MessageTopology.Deliveries, MessageTopology.Queues);

        Assert.Empty(mismatches);
    }

    [Fact]
    public void A_route_without_its_handler_stops_the_workers_with_a_message_naming_the_route()
    {
        // The notifications queue as it would be if someone forgot to register the cancellation email.
        var incomplete = new HandlerRegistry()
            .AddMessageHandler<BookingConfirmedHandler, BookingConfirmed>(MessageTopology.Notifications);

        var error = Assert.Throws<InvalidOperationException>(() => incomplete.EnsureMatches(
            [(BookingConfirmed.WireName, MessageTopology.Notifications), (BookingCancelled.WireName, MessageTopology.Notifications)],
            [MessageTopology.Notifications]));

        Assert.Contains("booking.cancelled.v1 → notifications is routed but no handler", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_handler_that_nothing_sends_to_is_a_mismatch_too()
    {
        var registry = new HandlerRegistry()
            .AddMessageHandler<BookingAnalyticsHandler, BookingExpired>(MessageTopology.Payments);

        var mismatch = Assert.Single(registry.Mismatches([], [MessageTopology.Payments]));

        Assert.Equal("BookingAnalyticsHandler handles booking.expired.v1 on payments, but no route or schedule sends booking.expired.v1 to payments.", mismatch);
    }

    [Fact]
    public void A_queue_that_SES_fills_needs_a_raw_handler()
    {
        var mismatch = Assert.Single(new HandlerRegistry().Mismatches([], [MessageTopology.EmailEvents]));

        Assert.Contains("email-events", mismatch, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("booking.cancelled.v1")]
    [InlineData("booking.expired.v1")]
    [InlineData("booking.rescheduled.v1")]
    public void Cancellations_expiries_and_reschedules_are_not_routed_to_the_payments_queue_where_nothing_handles_them(string type)
    {
        Assert.DoesNotContain(MessageTopology.Payments, MessageTopology.QueuesFor(type));
        Assert.Null(WorkerServiceCollectionExtensions.MessageHandlers().Find(MessageTopology.Payments.Name, type));
    }

    [Fact]
    public void The_local_queue_list_is_the_one_the_declaration_prints()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "BookingAws.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var committed = File.ReadAllText(Path.Combine(root.FullName, "tools", "local", "queues.json")).ReplaceLineEndings("\n");

        // On failure: BookingAws.Workers ops queues manifest > tools/local/queues.json
        Assert.Equal(QueueManifest.Render(), committed);
    }

    [Fact]
    public async Task The_workers_refuse_to_consume_a_queue_the_topology_does_not_declare()
    {
        var queues = await Platform.CreateQueuesAsync();
        var settings = WorkerHost.Settings(queues, Guid.NewGuid());
        settings["Workers:Consumers:Queues:0"] = "refunds";

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => WorkerHost.StartAsync(settings));

        Assert.Contains("refunds", error.Message, StringComparison.Ordinal);
    }
}
