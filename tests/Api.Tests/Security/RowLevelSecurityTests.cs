using System.Net;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BookingAws.Api.Tests.Security;

/// <summary>
/// Row-level security is the second wall behind the queries' tenant filters: connected as the app's role, a
/// query that forgets its filter still sees only the business whose scope the transaction carries, nothing
/// without a scope, and cannot write another business's rows. Runs against the platform's database, where
/// the API under test connects as that role.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RowLevelSecurityTests(ApiFactory api)
{
    /// <summary>Directories read before any business is known (sign-in and membership checks); no policy on purpose.</summary>
    private static readonly string[] Directories = ["staff_users"];

    /// <summary>Tables a hold fills for every business, so another business's rows are certainly there to leak.</summary>
    private static readonly string[] FilledByAHold =
    [
        "bookings", "booking_allocations", "customers", "idempotency_keys", "inventory_items", "opening_hours", "outbox_messages", "package_inventory", "packages",
    ];

    [Fact]
    public async Task Every_table_with_a_tenant_id_has_row_level_security_and_a_policy()
    {
        var tables = await OwnerRowsAsync(
            """
            SELECT c.relname, c.relrowsecurity, EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = c.relname)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attname = 'tenant_id' AND NOT a.attisdropped
            """);

        Assert.True(tables.Count >= 17, $"found only {tables.Count} tables with a tenant_id");
        var unguarded = tables.Where(t => !Directories.Contains((string)t[0]) && !((bool)t[1] && (bool)t[2])).Select(t => (string)t[0]).ToList();
        Assert.True(unguarded.Count == 0, $"Tables with a tenant_id but no row-level security policy: {string.Join(", ", unguarded)}");
    }

    [Fact]
    public async Task The_app_connects_as_a_role_that_neither_owns_the_tables_nor_bypasses_row_level_security()
    {
        await using var app = await OpenAsync(PlatformDatabase.App);
        await using var cmd = new NpgsqlCommand(
            """
            SELECT r.rolsuper, r.rolbypassrls, (SELECT count(*) FROM pg_tables t WHERE t.schemaname = 'public' AND t.tableowner = current_user)
            FROM pg_roles r WHERE r.rolname = current_user
            """,
            app);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((false, false, 0L), (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetInt64(2)));
    }

    [Fact]
    public async Task A_query_without_a_tenant_filter_sees_only_its_own_business_and_nothing_without_a_scope()
    {
        var a = await HeldBookingAsync();
        var b = await HeldBookingAsync();
        var tables = (await OwnerRowsAsync("SELECT tablename FROM pg_policies WHERE schemaname = 'public' ORDER BY tablename")).Select(r => (string)r[0]).ToList();
        Assert.Superset(FilledByAHold.ToHashSet(), tables.ToHashSet());

        await using var app = await OpenAsync(PlatformDatabase.App);
        await using var owner = await OpenAsync(PlatformDatabase.Owner);
        foreach (var table in tables)
        {
            var tenant = table == "package_inventory" ? "(SELECT p.tenant_id FROM packages p WHERE p.id = package_id)" : "tenant_id";
            var count = $"SELECT count(*) FILTER (WHERE {tenant} IS DISTINCT FROM '{a}'), count(*) FILTER (WHERE {tenant} = '{a}') FROM {table}";

            var (othersAsOwner, _) = await CountsAsync(owner, count);
            var (othersUnderA, ownUnderA) = await CountsAsync(app, count, () => DatabaseScope.Tenant(a));
            var (othersWithoutScope, ownWithoutScope) = await CountsAsync(app, count);

            Assert.True(othersUnderA == 0, $"{table}: {othersUnderA} rows of other businesses visible in business A's scope");
            Assert.True(othersWithoutScope + ownWithoutScope == 0, $"{table}: {othersWithoutScope + ownWithoutScope} rows visible without a scope");
            if (FilledByAHold.Contains(table))
            {
                Assert.True(othersAsOwner > 0, $"{table}: business B's rows should exist for this test to mean anything");
                Assert.True(ownUnderA > 0, $"{table}: business A sees none of its own rows");
            }
        }

        // The system scope (cross-business lookups, the workers) sees both.
        var (others, own) = await CountsAsync(app, $"SELECT count(*) FILTER (WHERE tenant_id = '{b}'), count(*) FILTER (WHERE tenant_id = '{a}') FROM bookings", () => DatabaseScope.System("test"));
        Assert.Equal((1L, 1L), (others, own));
    }

    [Fact]
    public async Task A_business_scope_cannot_write_or_move_rows_into_another_business()
    {
        var a = await HeldBookingAsync();
        var b = await HeldBookingAsync();
        await using var app = await OpenAsync(PlatformDatabase.App);

        var insert = await Assert.ThrowsAsync<PostgresException>(() => CountsAsync(
            app, $"INSERT INTO customers (id, tenant_id, email, name, created_at) VALUES (gen_random_uuid(), '{b}', 'planted@example.test', 'Planted', now()) RETURNING 0, 0", () => DatabaseScope.Tenant(a)));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, insert.SqlState);

        var move = await Assert.ThrowsAsync<PostgresException>(() => CountsAsync(
            app, $"UPDATE customers SET tenant_id = '{b}' WHERE tenant_id = '{a}' RETURNING 0, 0", () => DatabaseScope.Tenant(a)));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, move.SqlState);

        // Updates and deletes of the other business's rows find nothing to change.
        var (touched, _) = await CountsAsync(app, $"WITH d AS (DELETE FROM bookings WHERE tenant_id = '{b}' RETURNING 1) SELECT count(*), 0 FROM d", () => DatabaseScope.Tenant(a));
        Assert.Equal(0L, touched);
    }

    [Fact]
    public async Task The_apps_own_data_context_without_its_query_filter_still_sees_only_the_scoped_business()
    {
        var a = await HeldBookingAsync();
        var b = await HeldBookingAsync();
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();

        using (DatabaseScope.Tenant(a))
        {
            // A query that forgot its tenant: every business's bookings and customers, as far as the query knows.
            Assert.Equal([a], await db.Bookings.IgnoreQueryFilters().Select(x => x.TenantId).Distinct().ToListAsync());
            Assert.Equal([a], await db.Customers.IgnoreQueryFilters().Select(x => x.TenantId).Distinct().ToListAsync());
            Assert.Equal(0, await db.Bookings.IgnoreQueryFilters().Where(x => x.TenantId == b).ExecuteUpdateAsync(s => s.SetProperty(x => x.Seats, 99)));

            db.Customers.Add(new Customer { TenantId = b, Email = $"{Guid.NewGuid():N}@example.test", Name = "Planted", CreatedAt = NodaTime.SystemClock.Instance.GetCurrentInstant() });
            var save = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, Assert.IsType<PostgresException>(save.InnerException).SqlState);
        }

        // Without a scope the same query finds nothing at all: the wall fails closed.
        Assert.Empty(await db.Bookings.IgnoreQueryFilters().Select(x => x.TenantId).ToListAsync());
    }

    [Fact]
    public async Task A_scope_ends_with_its_transaction_so_a_pooled_connection_carries_nothing_to_its_next_user()
    {
        var a = await HeldBookingAsync();
        await using var source = DataServiceCollectionExtensions.BuildDataSource(PlatformDatabase.App + ";Maximum Pool Size=1", "rls-pool-test");
        await using (var first = await source.OpenConnectionAsync())
        {
            Assert.Equal(1L, (await CountsAsync(first, $"SELECT count(*), 0 FROM bookings WHERE tenant_id = '{a}'", () => DatabaseScope.Tenant(a))).Item1);
        }

        await using var next = await source.OpenConnectionAsync();
        Assert.Equal(0L, (await CountsAsync(next, $"SELECT count(*), 0 FROM bookings WHERE tenant_id = '{a}'")).Item1);
    }

    /// <summary>A business with a package and one guest's hold (customer, booking, allocations, idempotency key, outbox event).</summary>
    private async Task<Guid> HeldBookingAsync()
    {
        var scenario = await BookingScenario.CreateAsync(api, quantity: 3, priceMinor: 0);
        await (await scenario.HoldAsync(api.CreateClient(), scenario.Guest(BookingScenario.SlotAfter(TimeSpan.FromDays(2))))).ShouldBe(HttpStatusCode.Created);
        return scenario.Tenant.Id;
    }

    /// <summary>Two counts from <paramref name="sql"/>, run in one batch led by <paramref name="scope"/>'s statement when given.</summary>
    /// <remarks>The scope is opened here, not by the caller: an async-local set in a caller would outlive this call there.</remarks>
    private static async Task<(long, long)> CountsAsync(NpgsqlConnection connection, string sql, Func<DatabaseScope>? scope = null)
    {
        using (scope?.Invoke())
        {
            await using var batch = RowScope.Batch(connection);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
            await using var reader = await batch.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            return (reader.GetInt64(0), reader.GetInt64(1));
        }
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<List<object[]>> OwnerRowsAsync(string sql)
    {
        await using var owner = await OpenAsync(PlatformDatabase.Owner);
        await using var cmd = new NpgsqlCommand(sql, owner);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }
}
