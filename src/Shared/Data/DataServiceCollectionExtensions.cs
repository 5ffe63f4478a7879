using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace BookingAws.Shared.Data;

public static class DataSources
{
    public const string Primary = "primary";
    public const string Replica = "replica";
}

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers one Npgsql data source per endpoint (keyed <see cref="DataSources.Primary"/> and
    /// <see cref="DataSources.Replica"/>), the write context on the primary and the read-only context
    /// on the replica. Without a replica connection string (a single-node dev database) reads fall
    /// back to the primary, so the shape of the code never changes.
    /// With <paramref name="systemScope"/> (the workers, which serve every business by design) every
    /// session starts in the system <see cref="DatabaseScope"/>; without it (the API) a transaction sees
    /// no tenant rows until its request's scope is set.
    /// </summary>
    public static IServiceCollection AddBookingData(this IServiceCollection services, IConfiguration configuration, bool systemScope = false)
    {
        var primary = configuration.GetConnectionString("Primary")
            ?? throw new InvalidOperationException("ConnectionStrings:Primary is required.");
        var replica = configuration.GetConnectionString("Replica") ?? primary;
        if (systemScope)
        {
            primary = WithSystemScope(primary);
            replica = WithSystemScope(replica);
        }

        services.AddKeyedSingleton(DataSources.Primary, (_, _) => BuildDataSource(WriterRecheckedSoon(primary), "primary"));
        services.AddKeyedSingleton(DataSources.Replica, (_, _) => BuildDataSource(ReadsPreferringReplica(replica, primary), "replica"));

        services.AddDbContext<BookingDbContext>((sp, o) => Configure(o, sp.GetRequiredKeyedService<NpgsqlDataSource>(DataSources.Primary)));
        services.AddDbContext<ReadDbContext>((sp, o) =>
        {
            var replica = sp.GetRequiredKeyedService<NpgsqlDataSource>(DataSources.Replica);
            Configure(o, replica, npgsql => npgsql.ExecutionStrategy(d => new ReplicaReadStrategy(d, replica)))
                .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
        });
        return services;
    }

    /// <summary>
    /// Reads go to the replica and, when it is down, to the primary: Npgsql's multi-host support with
    /// <c>prefer-standby</c> picks a host in recovery when one answers. A read outage of the replica
    /// therefore slows dashboards instead of failing them.
    /// </summary>
    public static string ReadsPreferringReplica(string replica, string primary)
    {
        var r = new NpgsqlConnectionStringBuilder(replica);
        var p = new NpgsqlConnectionStringBuilder(primary);
        if (replica == primary || r.Host is null || p.Host is null || r.Host.Contains(',', StringComparison.Ordinal))
        {
            return replica;
        }

        // A multi-host primary (the fleet names both database hosts, as a cluster endpoint would) already carries its ports.
        var primaryHosts = p.Host.Contains(',', StringComparison.Ordinal) ? p.Host : $"{p.Host}:{p.Port}";
        r.Host = $"{r.Host}:{r.Port},{primaryHosts}";
        r.TargetSessionAttributes = "prefer-standby";
        return r.ConnectionString;
    }

    /// <summary>
    /// How long a writer host found unreachable is skipped, in seconds. Npgsql marks a host offline when a connection
    /// to it breaks and skips it for <c>Host Recheck Seconds</c> (10 by default); with every host of a multi-host
    /// writer offline it fails at once with "no suitable host". The API answers such failures 503 with
    /// <c>Retry-After: 2</c>, so the writer must be tried again before that retry arrives, not up to 10 s later.
    /// </summary>
    public const int WriterRecheckSeconds = 1;

    /// <summary>A multi-host writer connection string with <see cref="WriterRecheckSeconds"/>, unless it sets its own.</summary>
    public static string WriterRecheckedSoon(string primary)
    {
        var builder = new NpgsqlConnectionStringBuilder(primary);
        var given = new DbConnectionStringBuilder { ConnectionString = primary };
        if (builder.Host?.Contains(',', StringComparison.Ordinal) != true || given.ContainsKey("Host Recheck Seconds") || given.ContainsKey("HostRecheckSeconds"))
        {
            return primary;
        }

        builder.HostRecheckSeconds = WriterRecheckSeconds;
        return builder.ConnectionString;
    }

    /// <summary>The connection string with the system scope as the session's default (a startup option: no round trip).</summary>
    public static string WithSystemScope(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = string.IsNullOrEmpty(builder.Options) ? RowScope.SystemSessionOption : $"{builder.Options} {RowScope.SystemSessionOption}";
        return builder.ConnectionString;
    }

    public static NpgsqlDataSource BuildDataSource(string connectionString, string name)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = name };

        // The app keeps no session state, so skip the DISCARD ALL on every pool return and let hot
        // statements stay prepared on the server; both are a large share of the hold path's cost.
        // (Multiplexing stays off: the hold path sends raw BEGIN/COMMIT, which multiplexing refuses.)
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        }

        if (settings.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        }

        builder.UseNodaTime();
        return builder.Build();
    }

    /// <summary>A write context outside any container: for one-shot tools (migrate) and tests.</summary>
    public static BookingDbContext CreateBookingDbContext(NpgsqlDataSource dataSource)
    {
        var options = new DbContextOptionsBuilder<BookingDbContext>();
        Configure(options, dataSource);
        return new BookingDbContext(options.Options);
    }

    internal static DbContextOptionsBuilder Configure(
        DbContextOptionsBuilder options, NpgsqlDataSource dataSource, Action<NpgsqlDbContextOptionsBuilder>? npgsqlOptions = null) =>
        options
            .UseNpgsql(dataSource, npgsql =>
            {
                npgsql.UseNodaTime().MigrationsHistoryTable("__ef_migrations_history");
                npgsqlOptions?.Invoke(npgsql);
            })
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(RowScopeInterceptor.Instance);
}
