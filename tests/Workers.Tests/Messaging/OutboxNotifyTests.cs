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
        var queues = await Platform.CreateQueuesAsync();
        var tenantId = Guid.NewGuid();
        var settings = WorkerHost.Settings(queues, tenantId);
        settings["ConnectionStrings:Primary"] = database.App;
        settings["ConnectionStrings:Replica"] = database.App;
        settings["Workers:Relay:PollInterval"] = "00:01:00";
        settings["Workers:Consumers:Enabled"] = "false";
        await using var workers = await WorkerHost.StartAsync(settings);
        var listener = workers.Services.GetRequiredService<OutboxListener>();
        await Eventually.TrueAsync(() => Task.FromResult(listener.BackendPid != 0), "the relay to listen");

        var first = await database.WriteOutboxAsync(tenantId);
        await Eventually.TrueAsync(() => database.SentAsync(first), "the row to be published on NOTIFY, long before the one-minute poll");

        // A failover or restart kills the listening session: the listener reconnects by itself and NOTIFY works again.
        var killed = listener.BackendPid;
        await database.TerminateAsync(killed);
        await Eventually.TrueAsync(() => Task.FromResult(listener.BackendPid is not 0 && listener.BackendPid != killed), "the listener to reconnect", seconds: 40);
        var second = await database.WriteOutboxAsync(tenantId);
        await Eventually.TrueAsync(() => database.SentAsync(second), "the row to be published on NOTIFY after the reconnect");
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

        public async Task<Guid> WriteOutboxAsync(Guid tenantId)
        {
            var now = DateTimeOffset.UtcNow;
            var evt = new BookingHeld(new BookingSnapshot(Guid.NewGuid(), tenantId, Guid.NewGuid(), Guid.NewGuid(), "held", 1, now.AddDays(1), now.AddDays(1).AddHours(1), 0, "GBP"), now);
            await using var connection = await _appData.OpenConnectionAsync();
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(Shared.Messaging.Outbox.Insert(evt, SystemClock.Instance.GetCurrentInstant()));
            await batch.ExecuteNonQueryAsync();
            // Ids are version 7 GUIDs: the newest sorts last.
            await using var id = new NpgsqlCommand("SELECT id FROM outbox_messages WHERE tenant_id = $1 ORDER BY id DESC LIMIT 1", connection);
            id.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
            return (Guid)(await id.ExecuteScalarAsync())!;
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
