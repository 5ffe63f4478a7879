using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BookingAws.Shared.Data;

/// <summary>What one <c>migrate</c> run did: the migrations it applied (none when another run got there
/// first) and how long it waited for another run's lock (zero when it found the lock free).</summary>
public sealed record MigrationOutcome(IReadOnlyList<string> Applied, TimeSpan Waited);

/// <summary>
/// Applies EF Core migrations once per release, however many instances run <c>migrate</c> at the same
/// time: each takes a session-level advisory lock on a connection of its own, so the others wait, then
/// find nothing pending. The connection is <c>ConnectionStrings:Migrations</c> when set (the master user
/// in AWS, the one allowed DDL), else <c>ConnectionStrings:Primary</c>. When the two name different
/// users, the Primary's user is then provisioned as the app's role (<see cref="AppDatabaseRole"/>).
/// </summary>
public static class DatabaseMigrator
{
    /// <summary>Fixed advisory lock key ("BkgMigr" in ASCII); advisory locks are per database.</summary>
    public const long LockKey = 0x426B674D696772;

    public static string MigrationsConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("Migrations") is { Length: > 0 } migrations
            ? migrations
            : configuration.GetConnectionString("Primary")
                ?? throw new InvalidOperationException("ConnectionStrings:Migrations or ConnectionStrings:Primary is required.");

    public static async Task<MigrationOutcome> MigrateAsync(IConfiguration configuration, ILogger logger, CancellationToken ct)
    {
        var connectionString = MigrationsConnectionString(configuration);

        // Unpooled: if this process dies mid-migration the server closes the session and frees the lock.
        var lockConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "bookingaws-migrate" };
        await using var lockConnection = new NpgsqlConnection(lockConnectionString.ConnectionString);
        await lockConnection.OpenAsync(ct);

        var waitedFor = TimeSpan.Zero;
        if (!await TryLockAsync(lockConnection, ct))
        {
            logger.LogInformation("Another instance holds the migration lock; waiting for it");
            var waited = Stopwatch.StartNew();
            await using var wait = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", lockConnection) { CommandTimeout = 0 };
            await wait.ExecuteNonQueryAsync(ct);
            waitedFor = waited.Elapsed;
        }

        try
        {
            await using var dataSource = DataServiceCollectionExtensions.BuildDataSource(connectionString, "migrations");
            await using var db = DataServiceCollectionExtensions.CreateBookingDbContext(dataSource);
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0)
            {
                await db.Database.MigrateAsync(ct);
                logger.LogInformation("Applied {Count} migration(s): {Migrations} (waited {Waited:0.0} s for the migration lock)", pending.Count, string.Join(", ", pending), waitedFor.TotalSeconds);
            }
            else
            {
                logger.LogInformation("Schema already current (waited {Waited:0.0} s for the migration lock)", waitedFor.TotalSeconds);
            }

            var primary = configuration.GetConnectionString("Primary");
            if (primary is not null && AppDatabaseRole.IsSeparate(connectionString, primary))
            {
                await AppDatabaseRole.EnsureAsync(lockConnection, primary, logger, ct);
            }
            else
            {
                // The owner is not held to row-level security: the second wall behind the tenant filters is down.
                logger.LogWarning("The app connects as the schema owner, which row-level security does not bind; set ConnectionStrings:Migrations to the owner and Primary to the app's own role");
            }

            return new MigrationOutcome(pending, waitedFor);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", lockConnection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>The migrations this build carries, oldest first; needs no database.</summary>
    public static IReadOnlyList<string> KnownMigrations()
    {
        // A data source is only a factory: nothing connects until a command runs.
        using var dataSource = new NpgsqlDataSourceBuilder("Host=unused").Build();
        using var db = DataServiceCollectionExtensions.CreateBookingDbContext(dataSource);
        return db.Database.GetMigrations().ToList();
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockKey})", connection);
        return (bool)(await tryLock.ExecuteScalarAsync(ct))!;
    }
}
