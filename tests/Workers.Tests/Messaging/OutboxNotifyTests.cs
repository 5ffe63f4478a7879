using BookingAws.Shared.Data;
using BookingAws.Shared.Messaging;
using BookingAws.Tests.Common;
using BookingAws.Workers.Outbox;
using BookingAws.Workers.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;

namespace BookingAws.Workers.Tests.Messaging;

/// <summary>
/// The relay woken by the outbox trigger's NOTIFY. The poll is set to a minute, so a row published within the
/// wait below can only have been noticed through LISTEN. A database of its own: the shared one is migrated by
/// the platform, and this needs the trigger whatever that database has.
/// </summary>
public sealed class OutboxNotifyTests
{
    private static readonly string Owner = Environment.GetEnvironmentVariable("ConnectionStrings__Migrations")
        ?? "Host=127.0.0.1;Port=55432;Database=bookingaws;Username=bookingaws;Password=bookingaws";

    [Fact]
    public async Task A_committed_outbox_row_is_published_at_once_and_again_after_the_listening_connection_is_killed()
    {
        await using var database = await OwnDatabase.CreateAsync();
        var tenantId = Guid.NewGuid();
        await using var workers = await StartListeningRelayAsync(database, tenantId);
        var listener = workers.Services.GetRequiredService<OutboxListener>();

        var first = await database.WriteOutboxAsync(tenantId);
        await Eventually.TrueAsync(() => database.SentAsync(first), "the row to be published on NOTIFY, long before the one-minute poll");

        // A failover or restart kills the listening session: the listener reconnects by itself and NOTIFY works again.
        var killed = listener.BackendPid;
        await database.TerminateAsync(killed);
        await Eventually.TrueAsync(() => Task.FromResult(listener.BackendPid is not 0 && listener.BackendPid != killed), "the listener to reconnect", seconds: 40);
        var second = await database.WriteOutboxAsync(tenantId);
        await Eventually.TrueAsync(() => database.SentAsync(second), "the row to be published on NOTIFY after the reconnect");
    }

    [Fact]
    public async Task A_hold_shaped_commit_skips_the_trigger_and_the_waker_s_notify_after_it_wakes_the_relay()
    {
        await using var database = await OwnDatabase.CreateAsync();
        await using var listen = await database.ListenAsync();

        // The trigger still wakes for every other writer...
        await database.WriteOutboxAsync(Guid.NewGuid());
        Assert.True(await listen.WaitAsync(TimeSpan.FromSeconds(10)), "an ordinary outbox insert notifies at commit");

        // ...but not for a transaction that will wake the relay after its commit (the hold's batch).
        await database.WriteOutboxAsync(Guid.NewGuid(), skipTrigger: true);
        Assert.False(await listen.WaitAsync(TimeSpan.FromSeconds(2)), "the hold-shaped commit must not NOTIFY at commit");

        // The waker's NOTIFY reaches a LISTENing relay: the row is published long before the one-minute poll.
        var tenantId = Guid.NewGuid();
        await using var workers = await StartListeningRelayAsync(database, tenantId);
        var held = await database.WriteOutboxAsync(tenantId, skipTrigger: true);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(await database.SentAsync(held), "nothing woke the relay yet");

        var waker = workers.Services.GetRequiredService<OutboxWaker>();
        var sent = waker.Sent;
        waker.AfterCommit();
        await Eventually.TrueAsync(() => database.SentAsync(held), "the row to be published on the waker's NOTIFY");
        Assert.True(waker.Sent > sent);
    }

    /// <summary>The workers' relay on <paramref name="database"/>, its poll a minute, once it LISTENs.</summary>
    private static async Task<WorkerHost> StartListeningRelayAsync(OwnDatabase database, Guid tenantId)
    {
        var settings = WorkerHost.Settings(await Platform.CreateQueuesAsync(), tenantId);
        settings["ConnectionStrings:Primary"] = database.App;
        settings["ConnectionStrings:Replica"] = database.App;
        settings["Workers:Relay:PollInterval"] = "00:01:00";
        settings["Workers:Consumers:Enabled"] = "false";
        var workers = await WorkerHost.StartAsync(settings);
        var listener = workers.Services.GetRequiredService<OutboxListener>();
        await Eventually.TrueAsync(() => Task.FromResult(listener.BackendPid != 0), "the relay to listen");
        return workers;
    }

    /// <summary>A migrated database of its own, the app connecting as its own role as in production; dropped at the end.</summary>
    private sealed class OwnDatabase : IAsyncDisposable
    {
        private readonly NpgsqlConnectionStringBuilder _owner;
        private readonly NpgsqlDataSource _appData;

        private OwnDatabase(NpgsqlConnectionStringBuilder owner, string app, NpgsqlDataSource appData)
        {
            _owner = owner;
            App = app;
            _appData = appData;
        }

        public string App { get; }

        private string Name => _owner.Database!;

        public static async Task<OwnDatabase> CreateAsync()
        {
            var name = $"bookingaws_live_{Guid.NewGuid():N}"[..40];
            var admin = new NpgsqlConnectionStringBuilder(Owner) { Pooling = false };
            await using (var connection = new NpgsqlConnection(admin.ConnectionString))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                await create.ExecuteNonQueryAsync();
            }

            var owner = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = name };
            var app = new NpgsqlConnectionStringBuilder(Platform.Primary) { Database = name }.ConnectionString;
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Migrations"] = owner.ConnectionString,
                ["ConnectionStrings:Primary"] = app,
                ["ConnectionStrings:Replica"] = app,
            }).Build();
            await DatabaseMigrator.MigrateAsync(configuration, NullLogger.Instance, CancellationToken.None);

            // Writes as the workers' registration does (the system scope), through the app's role.
            var services = new ServiceCollection();
            services.AddBookingData(configuration, systemScope: true);
            var provider = services.BuildServiceProvider();
            return new OwnDatabase(owner, app, provider.GetRequiredKeyedService<NpgsqlDataSource>(DataSources.Primary));
        }

        /// <summary>One outbox row in a transaction of its own; <paramref name="skipTrigger"/> as the hold's batch does.</summary>
        public async Task<Guid> WriteOutboxAsync(Guid tenantId, bool skipTrigger = false)
        {
            var now = DateTimeOffset.UtcNow;
            var evt = new BookingHeld(new BookingSnapshot(Guid.NewGuid(), tenantId, Guid.NewGuid(), Guid.NewGuid(), "held", 1, now.AddDays(1), now.AddDays(1).AddHours(1), 0, "GBP"), now);
            await using var connection = await _appData.OpenConnectionAsync();
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            if (skipTrigger)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(OutboxWaker.SkipTriggerSql));
            }

            batch.BatchCommands.Add(Shared.Messaging.Outbox.Insert(evt, SystemClock.Instance.GetCurrentInstant()));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await batch.ExecuteNonQueryAsync();
            // Ids are version 7 GUIDs: the newest sorts last.
            await using var id = new NpgsqlCommand("SELECT id FROM outbox_messages WHERE tenant_id = $1 ORDER BY id DESC LIMIT 1", connection);
            id.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
            return (Guid)(await id.ExecuteScalarAsync())!;
        }

        /// <summary>A connection LISTENing on the outbox channel, as the relay's.</summary>
        public async Task<NpgsqlConnection> ListenAsync()
        {
            var connection = await _appData.OpenConnectionAsync();
            await using var listen = new NpgsqlCommand($"LISTEN {OutboxWaker.Channel}", connection);
            await listen.ExecuteNonQueryAsync();
            return connection;
        }

        public async Task<bool> SentAsync(Guid id)
        {
            await using var cmd = _appData.CreateCommand("SELECT sent_at IS NOT NULL FROM outbox_messages WHERE id = $1");
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            return (bool)(await cmd.ExecuteScalarAsync())!;
        }

        public async Task TerminateAsync(int pid)
        {
            // As the app's role: a role may end its own sessions, and the owner is no superuser.
            await using var kill = _appData.CreateCommand("SELECT pg_terminate_backend($1)");
            kill.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pid });
            await kill.ExecuteScalarAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await _appData.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_owner.ConnectionString) { Database = "postgres" }.ConnectionString);
            await connection.OpenAsync();
            await ScratchDatabases.DropAsync(connection, Name);
        }
    }
}
