using BookingAws.Shared.Domain.Bookings;
using BookingAws.Workers.Jobs;
using BookingAws.Workers.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace BookingAws.Workers.Tests.Jobs;

public class ReminderTests
{
    // Europe/London springs forward on Sunday 28 March 2027 (23-hour day) and falls back on Sunday 31 October 2027 (25 hours).
    [Theory]
    [InlineData(2027, 3, 27)]
    [InlineData(2027, 10, 30)]
    public async Task Two_concurrent_runs_claim_each_booking_of_the_next_local_day_once_across_a_dst_change(int year, int month, int eveDay)
    {
        var seed = await Platform.SeedAsync("Europe/London");
        var zone = DateTimeZoneProviders.Tzdb["Europe/London"];
        var day = new LocalDate(year, month, eveDay + 1);
        Instant Local(LocalDate d, int h, int m) => d.At(new LocalTime(h, m)).InZoneLeniently(zone).ToInstant();

        var due = new[]
        {
            await Platform.AddBookingAsync(seed, Local(day, 0, 15)),
            await Platform.AddBookingAsync(seed, Local(day, 12, 0)),
            await Platform.AddBookingAsync(seed, Local(day, 23, 45)),
        };
        var notDue = new[]
        {
            await Platform.AddBookingAsync(seed, Local(day.PlusDays(-1), 23, 45)),
            await Platform.AddBookingAsync(seed, Local(day.PlusDays(1), 0, 15)),
            await Platform.AddBookingAsync(seed, Local(day, 12, 30), status: BookingStatus.Cancelled),
        };

        var queues = await Platform.CreateQueuesAsync();
        await using var workers = await WorkerHost.StartAsync(Disabled(queues, seed.Tenant.Id));
        var scheduler = workers.Services.GetRequiredService<ReminderScheduler>();
        var eveningBefore = Local(day.PlusDays(-1), 18, 5);

        var before = await scheduler.RunAsync(Local(day.PlusDays(-1), 17, 55), seed.Tenant.Id, CancellationToken.None);
        var runs = await Task.WhenAll(
            scheduler.RunAsync(eveningBefore, seed.Tenant.Id, CancellationToken.None),
            scheduler.RunAsync(eveningBefore, seed.Tenant.Id, CancellationToken.None));
        var later = await scheduler.RunAsync(eveningBefore + Duration.FromHours(2), seed.Tenant.Id, CancellationToken.None);

        Assert.Equal(0, before);
        Assert.Equal(3, runs.Sum());
        Assert.Equal(0, later);
        foreach (var booking in due)
        {
            Assert.Equal(1, await Platform.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE type = 'booking.reminder_due.v1' AND payload->>'bookingId' = $1", booking.Id.ToString()));
        }

        foreach (var booking in notDue)
        {
            Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM booking_reminders WHERE booking_id = $1", booking.Id));
        }
    }

    [Fact]
    public async Task A_claimed_reminder_reaches_the_customer_once()
    {
        var seed = await Platform.SeedAsync("Europe/London");
        var queues = await Platform.CreateQueuesAsync();
        var zone = DateTimeZoneProviders.Tzdb["Europe/London"];
        var today = SystemClock.Instance.GetCurrentInstant().InZone(zone).Date;
        await Platform.AddBookingAsync(seed, today.PlusDays(1).At(new LocalTime(10, 0)).InZoneLeniently(zone).ToInstant());

        await using var workers = await WorkerHost.StartAsync(WorkerHost.Settings(queues, seed.Tenant.Id));
        var scheduler = workers.Services.GetRequiredService<ReminderScheduler>();
        var evening = today.At(new LocalTime(19, 0)).InZoneLeniently(zone).ToInstant();
        await Task.WhenAll(scheduler.RunAsync(evening, seed.Tenant.Id, CancellationToken.None), scheduler.RunAsync(evening, seed.Tenant.Id, CancellationToken.None));

        var email = Assert.Single(await SesStore.WaitForAsync(seed.Customer.Email, 1));
        Assert.StartsWith("Reminder: Sunset paddle tomorrow", email.GetProperty("subject").GetString(), StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Disabled(TestQueues queues, Guid tenantId)
    {
        var settings = WorkerHost.Settings(queues, tenantId);
        settings["Workers:Relay:Enabled"] = "false";
        settings["Workers:Consumers:Enabled"] = "false";
        return settings;
    }
}
