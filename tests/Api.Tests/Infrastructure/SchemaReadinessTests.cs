using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;

namespace BookingAws.Api.Tests.Infrastructure;

/// <summary>The API over a database of its own, so its schema can lag behind the build.</summary>
public sealed class ApiOnDatabase(FreshDatabase database) : ApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:Primary", database.Primary);
        builder.UseSetting("ConnectionStrings:Replica", database.Replica);
    }
}

public sealed class SchemaReadinessTests
{
    [Fact]
    public async Task Readiness_is_red_naming_the_schema_until_migrate_has_run_then_green()
    {
        await using var database = await FreshDatabase.CreateAsync("ready");
        await using var api = new ApiOnDatabase(database);
        var client = api.CreateClient();

        var before = await client.GetAsync("/health/ready");
        var report = JsonDocument.Parse(await before.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
        var schema = report.GetProperty("checks").GetProperty("schema");
        Assert.Equal("Unhealthy", schema.GetProperty("status").GetString());
        Assert.Contains("schema behind this build", schema.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("primary").GetProperty("status").GetString());

        await database.MigrateAsync();

        var after = await client.GetAsync("/health/ready");
        var checks = JsonDocument.Parse(await after.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("Healthy", checks.GetProperty("schema").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_schema_newer_than_the_build_stays_ready_so_the_previous_release_keeps_serving()
    {
        await using var database = await FreshDatabase.CreateAsync("ready");
        await database.MigrateAsync();
        await database.ScalarAsync<int>("INSERT INTO __ef_migrations_history (migration_id, product_version) VALUES ('29990101000000_NextRelease', '10.0.0') RETURNING 1");
        await using var api = new ApiOnDatabase(database);

        var ready = await api.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }
}
