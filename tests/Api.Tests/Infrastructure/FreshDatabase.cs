using BookingAws.Shared.Data;
using BookingAws.Tests.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BookingAws.Api.Tests.Infrastructure;

/// <summary>
/// An empty database of its own on the platform's primary (and so on its replica), dropped at the end:
/// for tests of the schema itself, which must not touch the database other tests share.
/// </summary>
public sealed class FreshDatabase : IAsyncDisposable
{
    private FreshDatabase(string name, NpgsqlConnectionStringBuilder admin)
    {
        Name = name;
        Admin = admin;
    }

    public string Name { get; }

    /// <summary>The platform's own user (owner of the new database) on the primary.</summary>
    public NpgsqlConnectionStringBuilder Admin { get; }

    public string Primary => new NpgsqlConnectionStringBuilder(Admin.ConnectionString) { Database = Name }.ConnectionString;

    public string Replica => new NpgsqlConnectionStringBuilder(Primary) { Port = ReplicaPort }.ConnectionString;

    private static int ReplicaPort => new NpgsqlConnectionStringBuilder(
        Environment.GetEnvironmentVariable("ConnectionStrings__Replica") ?? "Host=127.0.0.1;Port=55433").Port;

    public static async Task<FreshDatabase> CreateAsync(string prefix = "fresh")
    {
        var admin = new NpgsqlConnectionStringBuilder(PlatformDatabase.Owner) { Pooling = false };
        var name = $"bookingaws_{prefix}_{Guid.NewGuid():N}"[..40];
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new FreshDatabase(name, admin);
    }

    /// <summary>Configuration as the API reads it, pointing at this database.</summary>
    public IConfiguration Configuration(string? migrations = null, string? primary = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Primary"] = primary ?? Primary,
            ["ConnectionStrings:Replica"] = Replica,
            ["ConnectionStrings:Migrations"] = migrations,
        };
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    public Task<MigrationOutcome> MigrateAsync() => DatabaseMigrator.MigrateAsync(Configuration(), NullLogger.Instance, CancellationToken.None);

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Primary);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(Admin.ConnectionString);
        await connection.OpenAsync();
        await ScratchDatabases.DropAsync(connection, Name);
    }
}
