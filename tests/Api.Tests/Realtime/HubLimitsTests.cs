using System.Threading.Channels;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Realtime;
using BookingAws.Tests.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BookingAws.Api.Tests.Realtime;

/// <summary>The API's hub with small limits, its Redis behind a proxy that can cut it, and the test's loopback address
/// trusted as a proxy so each test speaks for client addresses of its own (X-Forwarded-For).</summary>
public sealed class ApiWithHubLimits : ApiFactory
{
    public const int Cap = 2;

    private static readonly string Redis = Environment.GetEnvironmentVariable("ConnectionStrings__Redis") ?? "127.0.0.1:56379";

    public FaultProxy RedisProxy { get; } = new($"tcp://{Redis}");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:Redis", $"127.0.0.1:{new Uri(RedisProxy.Url).Port}");
        builder.UseSetting("ReverseProxy:KnownNetworks:0", "127.0.0.1/32");
        builder.UseSetting("ReverseProxy:ProxyHops", "1");
        builder.UseSetting("AvailabilityHub:MaxConnectionsPerIp", Cap.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("AvailabilityHub:WatchTimeout", "00:00:02");
        builder.UseSetting("AvailabilityHub:KeepAliveInterval", "00:00:01");
        builder.UseSetting("AvailabilityHub:ClientTimeout", "00:00:03");
    }

    public override async ValueTask DisposeAsync()
    {
        // Let Redis answer again first: the host's shutdown talks to it (the SignalR backplane unsubscribes).
        RedisProxy.Refuse = false;
        RedisProxy.Delay = TimeSpan.Zero;
        await base.DisposeAsync();
        await RedisProxy.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class HubLimitsTests(ApiWithHubLimits api) : IClassFixture<ApiWithHubLimits>
{
    [Fact]
    public async Task One_address_gets_its_cap_of_connections_and_a_refusal_past_it_while_other_addresses_connect()
    {
        var tenant = await TenantOnReplicaAsync();
        var address = NewAddress();
        await using var first = await WatchingAsync(tenant.Slug, address);
        await using var second = await WatchingAsync(tenant.Slug, address);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => WatchingAsync(tenant.Slug, address));
        Assert.Contains("429", refused.ToString());
        await using var other = await WatchingAsync(tenant.Slug, NewAddress());

        // A closed connection gives its place back.
        await first.DisposeAsync();
        await using var again = await EventuallyConnectsAsync(tenant.Slug, address);
    }

    [Fact]
    public async Task A_connection_that_watches_nothing_is_closed_while_a_watching_one_stays_open()
    {
        var tenant = await TenantOnReplicaAsync();
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var idle = Connection(NewAddress());
        idle.Closed += e => { closed.TrySetResult(e); return Task.CompletedTask; };
        await idle.StartAsync();
        await using var watching = await WatchingAsync(tenant.Slug, NewAddress());

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HubConnectionState.Connected, watching.State);
    }

    [Fact]
    public async Task A_client_that_stops_answering_is_dropped_and_its_place_given_back()
    {
        var tenant = await TenantOnReplicaAsync();
        var address = NewAddress();
        await using var apiProxy = new FaultProxy(api.CreateClient().BaseAddress!.ToString());
        await using var silent = await WatchingAsync(tenant.Slug, address, new Uri(apiProxy.Url));
        await using var present = await WatchingAsync(tenant.Slug, address);
        await Assert.ThrowsAnyAsync<Exception>(() => WatchingAsync(tenant.Slug, address));

        // Nothing the silent client sends reaches the server any more, pings included: a phone gone out of coverage.
        apiProxy.Delay = TimeSpan.FromMinutes(5);
        await using var next = await EventuallyConnectsAsync(tenant.Slug, address);
    }

    [Fact]
    public async Task Watching_an_unknown_business_is_refused()
    {
        await using var connection = Connection(NewAddress());
        await connection.StartAsync();
        var error = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("WatchTenant", "no-such-business-" + Guid.NewGuid().ToString("N")[..8]));
        Assert.Contains("No business", error.Message);
    }

    [Fact]
    public async Task With_redis_cut_watchers_stay_connected_new_ones_connect_and_pushes_resume_when_it_returns()
    {
        var tenant = await TenantOnReplicaAsync();
        var before = Channel.CreateUnbounded<AvailabilityChanged>();
        await using var early = await WatchingAsync(tenant.Slug, NewAddress(), received: before.Writer);

        api.RedisProxy.Refuse = true;
        api.RedisProxy.DropAll();
        var during = Channel.CreateUnbounded<AvailabilityChanged>();
        HubConnection late;
        try
        {
            late = await WatchingAsync(tenant.Slug, NewAddress(), received: during.Writer);
            Assert.Equal(HubConnectionState.Connected, early.State);
        }
        finally
        {
            // Redis back (whatever happened: the other tests share this API).
            api.RedisProxy.Refuse = false;
        }

        // A worker's push (sent as the workers send, straight to Redis) reaches both.
        await using var lateConnection = late;
        var services = new ServiceCollection().AddLogging();
        services.AddAvailabilityPush(Environment.GetEnvironmentVariable("ConnectionStrings__Redis") ?? "127.0.0.1:56379");
        await using var workers = services.BuildServiceProvider();
        var group = workers.GetRequiredService<IHubContext<AvailabilityHub>>().Clients.Group(AvailabilityHub.GroupFor(tenant.Id));
        var push = new AvailabilityChanged(tenant.Id, [new ChangedTime(DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(1).AddHours(1))]);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(before.Reader.TryPeek(out _) && during.Reader.TryPeek(out _)))
        {
            Assert.True(DateTime.UtcNow < deadline, "pushes did not resume after Redis returned");
            await group.SendAsync(AvailabilityHub.ChangedMethod, push);
            await Task.Delay(500);
        }

        Assert.Equal(tenant.Id, (await before.Reader.ReadAsync()).TenantId);
        Assert.Equal(tenant.Id, (await during.Reader.ReadAsync()).TenantId);
    }

    /// <summary>A client address of its own (documentation range), as the trusted proxy reports it.</summary>
    private static string NewAddress() => $"2001:db8::{Random.Shared.Next(1, 0xffff):x}:{Random.Shared.Next(1, 0xffff):x}";

    private HubConnection Connection(string address, Uri? server = null, ChannelWriter<AvailabilityChanged>? received = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server ?? api.CreateClient().BaseAddress!, AvailabilityHub.Path), o =>
            {
                o.SkipNegotiation = true;
                o.Transports = HttpTransportType.WebSockets;
                o.Headers["X-Forwarded-For"] = address;
            })
            // Pings well within the server's 3 s client timeout, as the portal's 15 s are within its 30 s.
            .WithKeepAliveInterval(TimeSpan.FromSeconds(1))
            .Build();
        connection.On<AvailabilityChanged>(AvailabilityHub.ChangedMethod, change => received?.TryWrite(change));
        return connection;
    }

    private async Task<HubConnection> WatchingAsync(string slug, string address, Uri? server = null, ChannelWriter<AvailabilityChanged>? received = null)
    {
        var connection = Connection(address, server, received);
        try
        {
            await connection.StartAsync();
            await connection.InvokeAsync("WatchTenant", slug);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The server lets go of a closed socket a moment after the client does.</summary>
    private async Task<HubConnection> EventuallyConnectsAsync(string slug, string address)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return await WatchingAsync(slug, address);
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private async Task<TestTenant> TenantOnReplicaAsync()
    {
        var tenant = await api.CreateTenantAsync();
        await using var replica = NpgsqlDataSource.Create(Environment.GetEnvironmentVariable("ConnectionStrings__Replica")
            ?? "Host=127.0.0.1;Port=55433;Database=bookingaws;Username=bookingaws;Password=bookingaws");
        await Eventually.Until(
            async () =>
            {
                await using var cmd = replica.CreateCommand("SELECT count(*) FROM tenants WHERE slug = $1");
                cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant.Slug });
                return (long)(await cmd.ExecuteScalarAsync())!;
            },
            n => n == 1);
        return tenant;
    }
}
