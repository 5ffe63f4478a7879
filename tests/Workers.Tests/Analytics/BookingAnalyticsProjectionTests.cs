using System.Text.Json;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Analytics;
using BookingAws.Workers.Handlers;
using BookingAws.Workers.Sqs;
using BookingAws.Workers.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace BookingAws.Workers.Tests.Analytics;

/// <summary>SQS does not keep order: the projection must reach the same figures whatever order a booking's events arrive in.</summary>
public class BookingAnalyticsProjectionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_cancelled_booking_counts_as_one_cancellation_and_no_booking_in_either_order(bool cancellationFirst)
    {
        var seed = await Platform.SeedAsync();
        var booking = await Platform.AddBookingAsync(seed, Instant.FromUtc(2027, 7, 1, 10, 0), seats: 2);
        // Through the workers' own registration, so each message is deserialized by its wire name as the consumer does.
        var handlers = WorkerServiceCollectionExtensions.MessageHandlers();
        using var services = new ServiceCollection().AddScoped(_ => new BookingAnalyticsHandler(new BookingAnalyticsProjection(Platform.Db))).BuildServiceProvider();
        var confirmed = Message(BookingConfirmed.WireName, new BookingConfirmed(Platform.Snapshot(booking), DateTimeOffset.UtcNow, null, null));
        var cancelled = Message(BookingCancelled.WireName, new BookingCancelled(Platform.Snapshot(booking, "cancelled"), DateTimeOffset.UtcNow, "customer", null));
        var moved = Message(BookingRescheduled.WireName, new BookingRescheduled(Platform.Snapshot(booking), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));

        foreach (var message in cancellationFirst ? new[] { cancelled, moved, confirmed } : [confirmed, moved, cancelled])
        {
            await handlers.Find(MessageTopology.Analytics.Name, message.Type)!.Invoke(services, message, CancellationToken.None);
        }

        Assert.Equal(0, await Platform.ScalarAsync("SELECT coalesce(sum(bookings), 0) FROM tenant_daily_stats WHERE tenant_id = $1", seed.Tenant.Id));
        Assert.Equal(0, await Platform.ScalarAsync("SELECT coalesce(sum(seats), 0) FROM tenant_daily_stats WHERE tenant_id = $1", seed.Tenant.Id));
        Assert.Equal(1, await Platform.ScalarAsync("SELECT coalesce(sum(cancellations), 0) FROM tenant_daily_stats WHERE tenant_id = $1", seed.Tenant.Id));
    }

    [Fact]
    public async Task A_rescheduled_booking_moves_its_figures_to_the_businesses_local_day_of_the_new_time()
    {
        // 20:00 UTC is the next morning in Auckland: the figures belong to the business's day, not UTC's.
        var seed = await Platform.SeedAsync(zone: "Pacific/Auckland");
        var booking = await Platform.AddBookingAsync(seed, Instant.FromUtc(2027, 7, 1, 10, 0), seats: 3);
        var projection = new BookingAnalyticsProjection(Platform.Db);
        var moved = Platform.Snapshot(booking) with
        {
            StartsAt = new DateTimeOffset(2027, 7, 5, 20, 0, 0, TimeSpan.Zero),
            EndsAt = new DateTimeOffset(2027, 7, 5, 21, 30, 0, TimeSpan.Zero),
        };

        await projection.ApplyAsync(Guid.NewGuid(), "analytics.test", BookingAnalyticsChange.Confirmed, Platform.Snapshot(booking), CancellationToken.None);
        await projection.ApplyAsync(Guid.NewGuid(), "analytics.test", BookingAnalyticsChange.Rescheduled, moved, CancellationToken.None);

        const string day = "SELECT coalesce(sum(bookings), 0) * 1000 + coalesce(sum(seats), 0) FROM tenant_daily_stats WHERE tenant_id = $1 AND date = $2::date";
        Assert.Equal(0, await Platform.ScalarAsync(day, seed.Tenant.Id, "2027-07-01"));
        Assert.Equal(1003, await Platform.ScalarAsync(day, seed.Tenant.Id, "2027-07-06"));
        Assert.Equal(90, await Platform.ScalarAsync("SELECT sum(booked_minutes) FROM tenant_daily_stats WHERE tenant_id = $1", seed.Tenant.Id));
    }

    private static IncomingMessage Message<TEvent>(string type, TEvent evt)
        where TEvent : IBookingEvent =>
        new(Guid.NewGuid(), type, evt.TenantId, JsonSerializer.Serialize(evt, Shared.Messaging.Outbox.Json), null, 1, MessageTopology.Analytics.Name);
}
