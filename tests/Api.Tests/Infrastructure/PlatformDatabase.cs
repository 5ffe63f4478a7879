using BookingAws.Shared.Data;
using Npgsql;

namespace BookingAws.Api.Tests.Infrastructure;

/// <summary>The platform's database as its two users see it, from the environment `./platform` exports.</summary>
public static class PlatformDatabase
{
    private static readonly Lazy<NpgsqlDataSource> OwnerDataSource = new(() => DataServiceCollectionExtensions.BuildDataSource(Owner, "test-owner"));

    /// <summary>The app's own role (what the API under test uses), held to row-level security.</summary>
    public static string App => Environment.GetEnvironmentVariable("ConnectionStrings__Primary")
        ?? "Host=127.0.0.1;Port=55432;Database=bookingaws;Username=bookingaws;Password=bookingaws";

    /// <summary>
    /// The schema owner, which row-level security does not bind: for creating databases and for setting up or
    /// inspecting data across businesses. Falls back to the app's connection where both are one user.
    /// </summary>
    public static string Owner => Environment.GetEnvironmentVariable("ConnectionStrings__Migrations") is { Length: > 0 } owner ? owner : App;

    /// <summary>The owner on the replica (replay control is granted to the owner).</summary>
    public static string OwnerOnReplica => new NpgsqlConnectionStringBuilder(Owner)
    {
        Port = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("ConnectionStrings__Replica") ?? "Host=127.0.0.1;Port=55433").Port,
    }.ConnectionString;

    /// <summary>A pool of owner connections on the primary, for test setup and independent checks (a ledger) that span businesses.</summary>
    public static NpgsqlDataSource OwnerSource => OwnerDataSource.Value;

    /// <summary>
    /// Waits until the replica has replayed everything the primary has written so far: for a test whose subject is
    /// not replica lag but that reads what it just set up from the replica (and may cache what it reads).
    /// </summary>
    public static async Task ReplicaCaughtUpAsync()
    {
        await using var command = OwnerSource.CreateCommand("SELECT coalesce(bool_and(replay_lsn >= pg_current_wal_lsn()), false) FROM pg_stat_replication");
        Assert.True(await Eventually.Until(async () => (bool)(await command.ExecuteScalarAsync())!, c => c), "the replica did not catch up");
    }
}
