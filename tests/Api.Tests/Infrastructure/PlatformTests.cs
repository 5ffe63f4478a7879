using System.Text.Json;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Api.Tests.Platform;

[Collection(ApiCollection.Name)]
public sealed class PlatformTests(ApiFactory api)
{
    [Fact]
    public async Task The_read_context_reads_from_a_streaming_replica_and_the_write_context_from_the_primary()
    {
        await using var scope = api.Services.CreateAsyncScope();
        var read = scope.ServiceProvider.GetRequiredService<ReadDbContext>();
        var write = scope.ServiceProvider.GetRequiredService<BookingDbContext>();

        var readInRecovery = await read.Database.SqlQueryRaw<bool>("SELECT pg_is_in_recovery() AS \"Value\"").SingleAsync();
        var writeInRecovery = await write.Database.SqlQueryRaw<bool>("SELECT pg_is_in_recovery() AS \"Value\"").SingleAsync();

        Assert.True(readInRecovery, "the read context must be connected to a replica");
        Assert.False(writeInRecovery, "the write context must be connected to the primary");
        await Assert.ThrowsAsync<InvalidOperationException>(() => read.SaveChangesAsync());
    }

    [Fact]
    public async Task A_transaction_left_open_by_raw_BEGIN_is_rolled_back_when_its_connection_returns_to_the_pool()
    {
        // The hold path sends BEGIN/COMMIT inside its batches; if it throws between them, the pool (which
        // keeps connections without DISCARD ALL) must still end that transaction and release its locks.
        // Built as the app builds its data sources, with one connection so the second open gets the same one.
        // As the owner: the marker is a table, which the app's role may not create.
        await using var db = DataServiceCollectionExtensions.BuildDataSource(PlatformDatabase.Owner + ";Maximum Pool Size=1", "rollback-test");
        var marker = "rollback-" + Guid.NewGuid().ToString("N");
        int firstPid;
        await using (var connection = await db.OpenConnectionAsync())
        {
            await using var pid = new Npgsql.NpgsqlCommand("SELECT pg_backend_pid()", connection);
            firstPid = (int)(await pid.ExecuteScalarAsync())!;
            await using var batch = new Npgsql.NpgsqlBatch(connection)
            {
                BatchCommands = { new("BEGIN"), new($"CREATE TABLE \"{marker}\" (id int)") },
            };
            await batch.ExecuteNonQueryAsync();
        }

        await using var again = await db.OpenConnectionAsync();
        await using var check = new Npgsql.NpgsqlCommand("SELECT pg_backend_pid(), to_regclass($1) IS NULL, pg_current_xact_id_if_assigned() IS NULL", again)
        {
            Parameters = { new() { Value = marker } },
        };
        await using var reader = await check.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(firstPid, reader.GetInt32(0));
        Assert.True(reader.GetBoolean(1), "the table created in the abandoned transaction must not exist");
        Assert.True(reader.GetBoolean(2), "the reused connection must not still be inside the old transaction");
    }

    [Fact]
    public async Task Ready_checks_primary_its_schema_replica_redis_and_sqs()
    {
        var response = await api.CreateClient().GetAsync("/health/ready");

        var report = await response.ReadAsync<JsonElement>();
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.Equal(["primary", "redis", "replica", "schema", "sqs"], report.GetProperty("checks").EnumerateObject().Select(c => c.Name).Order());
    }

    [Fact]
    public async Task The_openapi_document_lists_the_dashboard_endpoints()
    {
        var doc = await (await api.CreateClient().GetAsync("/openapi/v1.json")).ReadAsync<JsonElement>();

        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/tenants/{slug}/packages", paths);
        Assert.Contains("/api/v1/tenants/{slug}/catalog", paths);
        Assert.Contains("/api/v1/tenants/{slug}/api-keys", paths);
        Assert.Contains("/api/v1/tenants/{slug}/staff", paths);
        Assert.Contains("/api/v1/tenants/{slug}/staff/{id}", paths);
        Assert.Equal("bearer", doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task A_caller_correlation_id_is_echoed_and_one_is_made_when_absent_even_on_errors()
    {
        var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tenants/nobody-here/catalog");
        request.Headers.Add("X-Correlation-Id", "test-correlation-42");

        var echoed = await client.SendAsync(request);
        var made = await client.GetAsync("/api/v1/tenants/nobody-here/catalog");

        Assert.Equal("test-correlation-42", echoed.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Equal(32, made.Headers.GetValues("X-Correlation-Id").Single().Length);
    }
}
