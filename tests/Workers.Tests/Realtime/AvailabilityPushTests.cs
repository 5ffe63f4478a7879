using System.Threading.Channels;
using BookingAws.Shared.Data;
using BookingAws.Shared.Messaging;
using BookingAws.Shared.Realtime;
using BookingAws.Workers.Handlers;
using BookingAws.Workers.Sqs;
using BookingAws.Workers.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace BookingAws.Workers.Tests.Realtime;

public sealed class AvailabilityPushTests
{
    [Fact]
    public async Task A_booking_event_reaches_a_watching_client_connected_to_another_process_through_the_redis_backplane()
    {
        var queues = await Platform.CreateQueuesAsync();
        var seed = await Platform.SeedAsync();
        var other = await Platform.SeedAsync();
        await ReplicaHasAsync(seed.Tenant.Slug);
        await using var hubHost = await HubHost.StartAsync();
        var received = Channel.CreateUnbounded<AvailabilityChanged>();
        await using var client = await hubHost.WatchAsync(seed.Tenant.Slug, received.Writer);

        var booking = await Platform.AddBookingAsync(seed, Instant.FromUtc(2027, 6, 1, 10, 0));
        var otherBooking = await Platform.AddBookingAsync(other, Instant.FromUtc(2027, 6, 1, 10, 0));
        await Platform.WriteOutboxAsync(new BookingRescheduled(
            Platform.Snapshot(booking), new DateTimeOffset(2027, 5, 30, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 5, 30, 10, 0, 0, TimeSpan.Zero)));

        // The real workers registration: relay → SQS availability queue → consumer → push handler.
        await using var workers = await WorkerHost.StartAsync(WorkerHost.Settings(queues, seed.Tenant.Id));
        var push = await ReadAsync(received.Reader);

        // One push names both the new time and the freed one, in time order.
        Assert.Equal(seed.Tenant.Id, push.TenantId);
        Assert.Equal(
            [new ChangedTime(new DateTimeOffset(2027, 5, 30, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 5, 30, 10, 0, 0, TimeSpan.Zero)),
             new ChangedTime(booking.StartsAt.ToDateTimeOffset(), booking.EndsAt.ToDateTimeOffset())],
            push.Changes);

        // Another business's change is not sent to this watcher.
        var otherHandler = ActivatorUtilities.CreateInstance<AvailabilityPushHandler>(workers.Services);
        await PushAsync(otherHandler, new BookingHeld(Platform.Snapshot(otherBooking, "held"), DateTimeOffset.UtcNow));
        await Task.Delay(500);
        Assert.False(received.Reader.TryRead(out _), "a watcher of one business must not hear about another's bookings");
    }

    [Fact]
    public async Task A_connection_watches_one_business_at_a_time()
    {
        var first = await Platform.SeedAsync();
        var second = await Platform.SeedAsync();
        var firstBooking = await Platform.AddBookingAsync(first, Instant.FromUtc(2027, 6, 3, 10, 0));
        var secondBooking = await Platform.AddBookingAsync(second, Instant.FromUtc(2027, 6, 3, 11, 0));
        await ReplicaHasAsync(first.Tenant.Slug, second.Tenant.Slug);
        await using var hubHost = await HubHost.StartAsync();
        var received = Channel.CreateUnbounded<AvailabilityChanged>();
        await using var client = await hubHost.WatchAsync(first.Tenant.Slug, received.Writer);
        await client.InvokeAsync("WatchTenant", second.Tenant.Slug);

        var services = new ServiceCollection().AddLogging();
        services.AddAvailabilityPush("127.0.0.1:56379");
        await using var provider = services.BuildServiceProvider();
        var handler = HandlerOver(provider, TimeProvider.System);
        await PushAsync(handler, new BookingHeld(Platform.Snapshot(firstBooking, "held"), DateTimeOffset.UtcNow));
        await PushAsync(handler, new BookingHeld(Platform.Snapshot(secondBooking, "held"), DateTimeOffset.UtcNow));

        var only = await ReadAsync(received.Reader);
        Assert.Equal(second.Tenant.Id, only.TenantId);
        Assert.Equal([new ChangedTime(secondBooking.StartsAt.ToDateTimeOffset(), secondBooking.EndsAt.ToDateTimeOffset())], only.Changes);
        await Task.Delay(300);
        Assert.False(received.Reader.TryRead(out _), "the first business was left when the second was watched");
    }

    [Fact]
    public async Task A_burst_of_changes_reaches_a_watcher_as_one_push_at_once_then_one_push_naming_all_the_rest()
    {
        var seed = await Platform.SeedAsync();
        await ReplicaHasAsync(seed.Tenant.Slug);
        await using var hubHost = await HubHost.StartAsync();
        var received = Channel.CreateUnbounded<AvailabilityChanged>();
        await using var client = await hubHost.WatchAsync(seed.Tenant.Slug, received.Writer);

        // The window's clock only moves when the test says so: everything below happens "within 250 ms".
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var services = new ServiceCollection().AddLogging();
        services.AddAvailabilityPush("127.0.0.1:56379");
        await using var provider = services.BuildServiceProvider();
        var handler = HandlerOver(provider, clock);
        var days = Enumerable.Range(0, 30).Select(d => new DateTimeOffset(2027, 7, 1, 9, 0, 0, TimeSpan.Zero).AddDays(d)).ToList();
        foreach (var day in days)
        {
            await PushAsync(handler, new BookingHeld(Snapshot(seed, day), DateTimeOffset.UtcNow));
        }

        // Leading edge: the first change went out without waiting for the window.
        var first = await ReadAsync(received.Reader);
        Assert.Equal([new ChangedTime(days[0], days[0].AddHours(1))], first.Changes);

        clock.Advance(TimeSpan.FromMilliseconds(250));
        var rest = await ReadAsync(received.Reader);
        Assert.Equal(days.Skip(1).Select(d => new ChangedTime(d, d.AddHours(1))), rest.Changes);

        await Task.Delay(300);
        clock.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(300);
        Assert.False(received.Reader.TryRead(out _), "30 changes within one window make two pushes, no more");

        // A change after a quiet window goes out at once again.
        await PushAsync(handler, new BookingHeld(Snapshot(seed, days[3]), DateTimeOffset.UtcNow));
        Assert.Equal([new ChangedTime(days[3], days[3].AddHours(1))], (await ReadAsync(received.Reader)).Changes);
    }

    private static BookingSnapshot Snapshot(Seed seed, DateTimeOffset startsAt) =>
        new(Guid.NewGuid(), seed.Tenant.Id, seed.Package.Id, seed.Customer.Id, "held", 1, startsAt, startsAt.AddHours(1), 0, "GBP");

    private static AvailabilityPushHandler HandlerOver(IServiceProvider provider, TimeProvider clock) =>
        new(new AvailabilityPushCoalescer(
            provider.GetRequiredService<IHubContext<AvailabilityHub>>(), Microsoft.Extensions.Options.Options.Create(new WorkerOptions()), clock, NullLogger<AvailabilityPushCoalescer>.Instance));

    [Fact]
    public async Task Watching_an_unknown_business_is_refused()
    {
        await using var hubHost = await HubHost.StartAsync();
        var error = await Assert.ThrowsAsync<HubException>(() => hubHost.WatchAsync("no-such-business-" + Guid.NewGuid().ToString("N")[..8], Channel.CreateUnbounded<AvailabilityChanged>().Writer));
        Assert.Contains("No business", error.Message);
    }

    [Fact]
    public async Task With_redis_down_a_push_is_dropped_without_failing_the_message()
    {
        var seed = await Platform.SeedAsync();
        var booking = await Platform.AddBookingAsync(seed, Instant.FromUtc(2027, 6, 2, 10, 0));
        var services = new ServiceCollection().AddLogging();
        services.AddAvailabilityPush("127.0.0.1:1,connectTimeout=200");
        await using var provider = services.BuildServiceProvider();
        var handler = HandlerOver(provider, TimeProvider.System);

        // Completes (the message is acknowledged): a late push is worth nothing, clients refetch on reconnect.
        await PushAsync(handler, new BookingHeld(Platform.Snapshot(booking, "held"), DateTimeOffset.UtcNow));
    }

    /// <summary>The hub looks businesses up on the replica, which may be a moment behind the seed.</summary>
    private static async Task ReplicaHasAsync(params string[] slugs)
    {
        await using var replica = Npgsql.NpgsqlDataSource.Create(Platform.Replica);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await using var cmd = replica.CreateCommand("SELECT count(*) FROM tenants WHERE slug = ANY($1)");
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = slugs });
            if ((long)(await cmd.ExecuteScalarAsync())! == slugs.Length)
            {
                return;
            }

            await Task.Delay(50);
        }
    }

    private static Task PushAsync(AvailabilityPushHandler handler, BookingHeld evt) => handler.HandleAsync(evt, Message(evt), CancellationToken.None);

    private static IncomingMessage Message<TEvent>(TEvent evt)
        where TEvent : IBookingEvent =>
        new(Guid.NewGuid(), TEvent.WireName, evt.TenantId, System.Text.Json.JsonSerializer.Serialize(evt, Shared.Messaging.Outbox.Json), null, 1, "availability");

    private static async Task<AvailabilityChanged> ReadAsync(ChannelReader<AvailabilityChanged> reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await reader.ReadAsync(timeout.Token);
    }

    /// <summary>The hub as the API hosts it (same type, same backplane), on its own Kestrel port: a separate
    /// instance from the workers, so a delivery proves the fan-out went through Redis.</summary>
    private sealed class HubHost(WebApplication app) : IAsyncDisposable
    {
        public static async Task<HubHost> StartAsync()
        {
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Configuration["ConnectionStrings:Primary"] = Platform.Primary;
            builder.Configuration["ConnectionStrings:Replica"] = Platform.Replica;
            builder.Services.AddBookingData(builder.Configuration);
            builder.Services.AddAvailabilityPush("127.0.0.1:56379");
            var app = builder.Build();
            app.UseWebSockets();
            app.MapHub<AvailabilityHub>(AvailabilityHub.Path);
            await app.StartAsync();
            return new HubHost(app);
        }

        public async Task<HubConnection> WatchAsync(string slug, ChannelWriter<AvailabilityChanged> received)
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var connection = new HubConnectionBuilder()
                .WithUrl(address + AvailabilityHub.Path, o =>
                {
                    o.SkipNegotiation = true;
                    o.Transports = HttpTransportType.WebSockets;
                })
                .Build();
            connection.On<AvailabilityChanged>(AvailabilityHub.ChangedMethod, change => received.TryWrite(change));
            await connection.StartAsync();
            try
            {
                await connection.InvokeAsync("WatchTenant", slug);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }

            return connection;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
