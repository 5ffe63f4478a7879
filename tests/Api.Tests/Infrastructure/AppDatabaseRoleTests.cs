using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BookingAws.Api.Tests.Infrastructure;

/// <summary>
/// `migrate` runs as the schema owner (the master user in AWS) and leaves the app a login role of its own
/// that can use the data but not change the schema.
/// </summary>
public sealed class AppDatabaseRoleTests : IAsyncLifetime
{
    // A quote, a double quote and a backslash: the role name and password must survive quoting.
    private readonly string role = $"app \"{Guid.NewGuid():N}"[..20];
    private const string Password = "pa'ss\\word\"1";
    private FreshDatabase database = null!;

    public async Task InitializeAsync() => database = await FreshDatabase.CreateAsync("approle");

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        await using var admin = new NpgsqlConnection(database.Admin.ConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS {AppDatabaseRole.Identifier(role)}, {AppDatabaseRole.Identifier(role + "_clone")}", admin);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task The_app_role_reads_and_writes_tenant_data_but_cannot_create_a_table()
    {
        await MigrateWithAppPasswordAsync(Password);

        await using var app = await ConnectAsAppAsync(Password);
        await using (var source = DataServiceCollectionExtensions.BuildDataSource(app.ConnectionString, "app-role"))
        await using (var db = DataServiceCollectionExtensions.CreateBookingDbContext(source))
        {
            var tenant = new Tenant { Slug = $"r-{Guid.NewGuid():N}"[..20], Name = "Role test", TimeZone = "Europe/London", Currency = "GBP" };
            db.Tenants.Add(tenant);
            await db.SaveChangesAsync();
            tenant.Name = "Renamed";
            await db.SaveChangesAsync();
            Assert.Equal("Renamed", await db.Tenants.AsNoTracking().Where(t => t.Id == tenant.Id).Select(t => t.Name).SingleAsync());
        }

        var ddl = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(app, "CREATE TABLE sneaky (id int)"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ddl.SqlState);
        var history = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(app, "DELETE FROM __ef_migrations_history"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, history.SqlState);
        var attributes = await database.ScalarAsync<string>($"SELECT format('%s/%s/%s', rolsuper, rolbypassrls, rolcanlogin) FROM pg_roles WHERE rolname = {AppDatabaseRole.Literal(role)}");
        Assert.Equal("f/f/t", attributes);
    }

    [Fact]
    public async Task A_later_migrate_never_resets_the_password_rotation_set()
    {
        await MigrateWithAppPasswordAsync(Password);

        await MigrateWithAppPasswordAsync("a-stale-or-different-password");

        await using var app = await ConnectAsAppAsync(Password);
        Assert.Equal(System.Data.ConnectionState.Open, app.State);
    }

    [Fact]
    public async Task Tables_added_by_a_later_migration_are_usable_by_the_app_role_and_its_rotation_clone()
    {
        await using (var admin = new NpgsqlConnection(database.Admin.ConnectionString))
        {
            // What multi-user rotation does: a second login for the same app, used on alternate rotations.
            await admin.OpenAsync();
            await ExecuteAsync(admin, $"CREATE ROLE {AppDatabaseRole.Identifier(role + "_clone")} LOGIN PASSWORD {AppDatabaseRole.Literal(Password)}");
        }

        await MigrateWithAppPasswordAsync(Password);
        await using (var owner = new NpgsqlConnection(database.Primary))
        {
            await owner.OpenAsync();
            await ExecuteAsync(owner, "CREATE TABLE later_feature (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text)");
        }

        await using var app = await ConnectAsAppAsync(Password);
        await ExecuteAsync(app, "INSERT INTO later_feature (note) VALUES ('covered by default privileges')");
        await using var clone = await ConnectAsAppAsync(Password, role + "_clone");
        await ExecuteAsync(clone, "INSERT INTO later_feature (note) VALUES ('and for the clone')");
    }

    private Task<MigrationOutcome> MigrateWithAppPasswordAsync(string password)
    {
        var appConnection = new NpgsqlConnectionStringBuilder(database.Primary) { Username = role, Password = password };
        return DatabaseMigrator.MigrateAsync(database.Configuration(migrations: database.Primary, primary: appConnection.ConnectionString), NullLogger.Instance, CancellationToken.None);
    }

    private async Task<NpgsqlConnection> ConnectAsAppAsync(string password, string? user = null)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.Primary) { Username = user ?? role, Password = password, Pooling = false, PersistSecurityInfo = true }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
