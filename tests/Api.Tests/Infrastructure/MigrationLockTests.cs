using BookingAws.Shared.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BookingAws.Api.Tests.Infrastructure;

/// <summary>Every instance of a release runs `migrate` at boot; the schema must change exactly once.</summary>
public sealed class MigrationLockTests
{
    [Fact]
    public async Task Two_migrate_runs_at_once_apply_each_migration_once_and_the_other_finds_the_schema_current()
    {
        await using var database = await FreshDatabase.CreateAsync("migrate");
        var known = DatabaseMigrator.KnownMigrations();

        var first = DatabaseMigrator.MigrateAsync(database.Configuration(), NullLogger.Instance, CancellationToken.None);
        var second = DatabaseMigrator.MigrateAsync(database.Configuration(), NullLogger.Instance, CancellationToken.None);
        var outcomes = await Task.WhenAll(first, second);

        var applier = Assert.Single(outcomes, o => o.Applied.Count > 0);
        var waiter = Assert.Single(outcomes, o => o.Applied.Count == 0);
        Assert.Equal(known, applier.Applied);
        // Whether it had to wait depends on timing; the next test makes the wait certain.
        Assert.Empty(waiter.Applied);
        var rows = await database.ScalarAsync<long>("SELECT count(*) FROM __ef_migrations_history");
        var distinct = await database.ScalarAsync<long>("SELECT count(DISTINCT migration_id) FROM __ef_migrations_history");
        Assert.Equal(known.Count, rows);
        Assert.Equal(rows, distinct);
    }

    [Fact]
    public async Task A_run_that_starts_while_the_lock_is_held_waits_for_it_instead_of_failing()
    {
        await using var database = await FreshDatabase.CreateAsync("migrate");
        await using var holder = new NpgsqlConnection(database.Primary + ";Pooling=false");
        await holder.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({DatabaseMigrator.LockKey})", holder))
        {
            await take.ExecuteNonQueryAsync();
        }

        var blocked = database.MigrateAsync();

        // The run is parked on the lock (not failed, not done) until the holder lets go.
        var waiting = await Eventually.Until(
            () => database.ScalarAsync<long>($"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
            n => n == 1);
        Assert.Equal(1, waiting);
        Assert.False(blocked.IsCompleted);

        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({DatabaseMigrator.LockKey})", holder))
        {
            await release.ExecuteNonQueryAsync();
        }

        var outcome = await blocked;
        Assert.Equal(DatabaseMigrator.KnownMigrations(), outcome.Applied);
        Assert.True(outcome.Waited > TimeSpan.Zero);
    }
}
