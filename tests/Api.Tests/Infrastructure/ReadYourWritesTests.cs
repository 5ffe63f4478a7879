using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Customers;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Domain.Staff;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;

namespace BookingAws.Api.Tests.Infrastructure;

/// <summary>The API with a chosen read-your-writes mode over a chosen database.</summary>
public sealed class ReadModeApi(ReadYourWritesMode mode, string primary, string replica) : ApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:Primary", primary);
        builder.UseSetting("ConnectionStrings:Replica", replica);
        builder.UseSetting("Database:ReadYourWrites", mode.ToString());

        // The measured local lag is ~0, so the window would be its 1 s floor; a shared, loaded test machine
        // can take longer than that between a write and the next request, which is not what is under test.
        builder.UseSetting("Database:PinWindowMin", "00:00:10");
    }
}

/// <summary>
/// A user reads back what they just wrote although the replica is stopped, while everyone else keeps
/// reading the replica; in the WAL mode (local PostgreSQL) and in the pin-window mode (Aurora), the latter
/// also on a database shaped like Aurora: <c>aurora_replica_status()</c> present, WAL functions failing.
/// In the API collection: pausing replay stops the whole replica, so no other test that pauses it may run
/// at the same time (their resume would end this pause early).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ReadYourWritesTests
{
    private static string PlatformPrimary => PlatformDatabase.Owner;

    private static string PlatformReplica => PlatformDatabase.OwnerOnReplica;

    [Theory]
    [InlineData(ReadYourWritesMode.WalPosition)]
    [InlineData(ReadYourWritesMode.PinWindow)]
    public async Task While_the_replica_is_paused_a_writer_reads_their_write_and_others_still_read_the_replica(ReadYourWritesMode mode)
    {
        await using var api = new ReadModeApi(mode, PlatformPrimary, PlatformReplica);

        await OwnWriteIsVisibleOnlyToItsWriterWhileReplayIsPausedAsync(api, PlatformPrimary);

        if (mode == ReadYourWritesMode.PinWindow)
        {
            var sampler = api.Services.GetRequiredService<ReplicaLagSampler>();
            Assert.Equal(ReplicaLagSampler.PostgresSource, sampler.Source);
        }
    }

    [Fact]
    public async Task The_pin_window_mode_works_on_an_Aurora_shaped_database_where_the_WAL_functions_fail()
    {
        await using var database = await FreshDatabase.CreateAsync("aurora");
        await database.MigrateAsync();
        await AuroraShapeAsync(database.Primary);
        var auroraPrimary = new NpgsqlConnectionStringBuilder(database.Primary) { SearchPath = "aurora_shadow,pg_catalog,public" }.ConnectionString;
        var auroraReplica = new NpgsqlConnectionStringBuilder(database.Replica) { SearchPath = "aurora_shadow,pg_catalog,public" }.ConnectionString;
        await using (var probe = NpgsqlDataSource.Create(auroraPrimary))
        {
            // The shadow really bites: a WAL function called the way the app calls it fails as on Aurora.
            var refused = await Assert.ThrowsAsync<PostgresException>(async () => await probe.CreateCommand("SELECT pg_current_wal_insert_lsn()").ExecuteScalarAsync());
            Assert.Equal(PostgresErrorCodes.FeatureNotSupported, refused.SqlState);
        }

        await using var api = new ReadModeApi(ReadYourWritesMode.PinWindow, auroraPrimary, auroraReplica);
        await OwnWriteIsVisibleOnlyToItsWriterWhileReplayIsPausedAsync(api, database.Primary);

        var sampler = api.Services.GetRequiredService<ReplicaLagSampler>();
        Assert.Equal(ReplicaLagSampler.AuroraSource, sampler.Source);
        Assert.NotNull(sampler.LastLag);
    }

    [Fact]
    public async Task The_WAL_mode_on_the_Aurora_shaped_database_fails_writes_which_is_the_bug_the_pin_window_mode_avoids()
    {
        await using var database = await FreshDatabase.CreateAsync("aurora");
        await database.MigrateAsync();
        await AuroraShapeAsync(database.Primary);
        var auroraPrimary = new NpgsqlConnectionStringBuilder(database.Primary) { SearchPath = "aurora_shadow,pg_catalog,public" }.ConnectionString;
        await using var api = new ReadModeApi(ReadYourWritesMode.WalPosition, auroraPrimary, auroraPrimary);
        var tenant = await api.CreateTenantAsync();

        var write = await tenant.Owner.PostAsJsonAsync(tenant.Url("/customers"), new CustomerRequest($"c-{Guid.NewGuid():N}@example.test", "Customer", null, null), ApiFactory.Json);

        Assert.Equal(HttpStatusCode.InternalServerError, write.StatusCode);
    }

    [Theory]
    [InlineData(0, 1_000)]
    [InlineData(300, 1_000)]
    [InlineData(2_000, 4_000)]
    [InlineData(20_000, 30_000)]
    [InlineData(null, 30_000)]
    public void The_pin_window_is_twice_the_largest_lag_within_its_bounds_and_the_maximum_when_unknown(int? lagMs, int windowMs)
    {
        var window = ReplicaLagSampler.WindowFor(lagMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, new ReadYourWritesOptions());

        Assert.Equal(TimeSpan.FromMilliseconds(windowMs), window);
    }

    [Fact]
    public void The_pin_window_code_never_names_a_WAL_position_function()
    {
        // Aurora has no pg_current_wal_insert_lsn / pg_last_wal_replay_lsn: the Aurora mode's sources must not
        // call them (the Aurora-shaped test above proves the behaviour; this keeps a later edit honest).
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/Api/Infrastructure"));
        foreach (var file in new[] { "PinWindowReads.cs", "ReplicaLagSampler.cs" })
        {
            var source = File.ReadAllText(Path.Combine(root, file));
            Assert.DoesNotContain("pg_current_wal", source, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("pg_last_wal", source, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static async Task OwnWriteIsVisibleOnlyToItsWriterWhileReplayIsPausedAsync(ReadModeApi api, string primary)
    {
        var tenant = await api.CreateTenantAsync();
        var staff = await api.AddUserAsync(tenant, Roles.Staff);
        await ReplicaCaughtUpAsync(primary);
        await SetReplayAsync(pause: true);
        try
        {
            var write = await tenant.Owner.PostAsJsonAsync(tenant.Url("/customers"), new CustomerRequest($"c-{Guid.NewGuid():N}@example.test", "Customer", null, null), ApiFactory.Json);
            var created = await write.ReadAsync<CustomerDto>(HttpStatusCode.Created);

            var own = await tenant.Owner.GetAsync(tenant.Url($"/customers/{created.Id}"));
            var others = await staff.GetAsync(tenant.Url($"/customers/{created.Id}"));

            Assert.Equal(created.Id, (await own.ReadAsync<CustomerDto>()).Id);
            Assert.Equal(HttpStatusCode.NotFound, others.StatusCode);
            if (api.Services.GetRequiredService<IReadYourWrites>() is PinWindowReads)
            {
                // Pins are keyed by the caller's token subject (the pool's sub), not by a database id.
                var sub = Guid.Parse(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(tenant.Owner.DefaultRequestHeaders.Authorization!.Parameter!).Subject);
                var ttl = await api.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().KeyTimeToLiveAsync(PinWindowReads.Key(sub));
                Assert.InRange(ttl ?? TimeSpan.Zero, TimeSpan.FromMilliseconds(1), api.Services.GetRequiredService<ReplicaLagSampler>().Window);
            }
        }
        finally
        {
            await SetReplayAsync(pause: false);
        }
    }

    /// <summary>Makes the test's data (tenant, staff) visible on the replica before replay stops. Test code may use
    /// WAL functions: it talks to the unshadowed connection.</summary>
    private static async Task ReplicaCaughtUpAsync(string primary)
    {
        await using var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(primary) { SearchPath = null }.ConnectionString);
        await using var command = source.CreateCommand("SELECT coalesce(bool_and(replay_lsn >= pg_current_wal_lsn()), false) FROM pg_stat_replication");
        var caughtUp = await Eventually.Until(async () => (bool)(await command.ExecuteScalarAsync())!, c => c);
        Assert.True(caughtUp, "the replica did not catch up");
    }

    /// <summary>Replay is paused for the whole replica; the execute grant lives in the platform's own database.</summary>
    private static async Task SetReplayAsync(bool pause)
    {
        var replica = new NpgsqlConnectionStringBuilder(PlatformReplica) { Database = "bookingaws", Pooling = false };
        await using var connection = new NpgsqlConnection(replica.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(pause ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// What the app sees on Aurora: <c>aurora_replica_status()</c> with Aurora's columns (here computed from
    /// pg_stat_replication), and WAL position functions that fail. The failing ones live in a schema placed
    /// before pg_catalog on the app's search path, which shadows the built-ins for this database only.
    /// </summary>
    private static async Task AuroraShapeAsync(string primary)
    {
        await using var source = NpgsqlDataSource.Create(primary);
        await using var command = source.CreateCommand("""
            CREATE FUNCTION aurora_replica_status()
            RETURNS TABLE (server_id text, session_id text, durable_lsn bigint, highest_lsn_rcvd bigint, current_read_lsn bigint,
                           cur_replay_latency_in_usec bigint, active_txns text, is_current boolean, last_transport_error int,
                           last_error_timestamp timestamptz, last_update_timestamp timestamptz, feedback_xmin bigint,
                           feedback_epoch int, replica_lag_in_msec double precision, log_stream_speed_in_kib_per_second double precision,
                           log_buffer_sequence_number bigint, oldest_read_view_trx_id bigint, oldest_read_view_lsn bigint,
                           pending_read_ios int, read_ios bigint, iops int, cpu double precision)
            LANGUAGE sql STABLE AS $$
              SELECT 'writer', 'MASTER_SESSION_ID', NULL::bigint, NULL::bigint, NULL::bigint, NULL::bigint, NULL, true, 0,
                     NULL::timestamptz, now(), NULL::bigint, NULL::int, NULL::float8, NULL::float8, NULL::bigint, NULL::bigint,
                     NULL::bigint, 0, 0::bigint, 0, 0::float8
              UNION ALL
              SELECT application_name, pid::text, NULL, NULL, NULL, (extract(epoch FROM coalesce(replay_lag, '0'::interval)) * 1000000)::bigint,
                     NULL, true, 0, NULL, reply_time, NULL, NULL, extract(epoch FROM coalesce(replay_lag, '0'::interval)) * 1000,
                     NULL, NULL, NULL, NULL, 0, 0, 0, 0
              FROM pg_stat_replication
            $$;
            CREATE SCHEMA aurora_shadow;
            CREATE FUNCTION aurora_shadow.pg_current_wal_insert_lsn() RETURNS pg_lsn LANGUAGE plpgsql AS $$
              BEGIN RAISE EXCEPTION 'Function pg_current_wal_insert_lsn() is currently not supported for Aurora' USING ERRCODE = 'feature_not_supported'; END $$;
            CREATE FUNCTION aurora_shadow.pg_last_wal_replay_lsn() RETURNS pg_lsn LANGUAGE plpgsql AS $$
              BEGIN RAISE EXCEPTION 'Function pg_last_wal_replay_lsn() is currently not supported for Aurora' USING ERRCODE = 'feature_not_supported'; END $$;
            """);
        await command.ExecuteNonQueryAsync();
    }
}
