using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace BookingAws.Shared.Data;

/// <summary>
/// Readiness is red while the primary lacks a migration this build knows: an instance of a new release
/// must not take traffic before `migrate` has run. Extra rows (a newer release already migrated) are
/// fine: under expand/contract the previous build keeps working on the expanded schema. Once the schema
/// is current it stays current for this process, so the verdict is cached and probes stop querying.
/// </summary>
public sealed class SchemaHealthCheck([FromKeyedServices(DataSources.Primary)] NpgsqlDataSource primary) : IHealthCheck
{
    private static readonly Lazy<IReadOnlyList<string>> Known = new(DatabaseMigrator.KnownMigrations);
    private volatile bool current;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (current)
        {
            return HealthCheckResult.Healthy("schema current");
        }

        var applied = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var command = primary.CreateCommand("SELECT migration_id FROM __ef_migrations_history");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Not even the first migration: an empty database.
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "schema unknown: primary unreachable", ex);
        }

        var missing = Known.Value.Where(m => !applied.Contains(m)).ToList();
        if (missing.Count > 0)
        {
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                $"schema behind this build: {missing.Count} migration(s) not applied ({string.Join(", ", missing)}); run `BookingAws.Api migrate`");
        }

        current = true;
        return HealthCheckResult.Healthy("schema current");
    }
}
