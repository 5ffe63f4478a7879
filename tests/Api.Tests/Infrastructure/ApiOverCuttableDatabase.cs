using BookingAws.Tests.Common;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace BookingAws.Api.Tests.Infrastructure;

/// <summary>
/// The API reaching one of the real databases (<c>ConnectionStrings:Primary</c> or <c>:Replica</c>) through a TCP
/// proxy the test can cut, as when that server dies under the API's pooled connections.
/// </summary>
public abstract class ApiOverCuttableDatabase : ApiFactory
{
    private readonly string connection;
    private readonly NpgsqlConnectionStringBuilder target;

    protected ApiOverCuttableDatabase(string connection, int defaultPort)
    {
        this.connection = connection;
        target = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable($"ConnectionStrings__{connection}")
            ?? $"Host=127.0.0.1;Port={defaultPort};Database=bookingaws;Username=bookingaws;Password=bookingaws");
        Proxy = new FaultProxy($"tcp://{target.Host}:{target.Port}");
    }

    public FaultProxy Proxy { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var proxied = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Port = new Uri(Proxy.Url).Port, Timeout = 3 };
        if (connection == "Primary")
        {
            // As the fleet names both database hosts: the writer is whichever accepts writes, found per connection
            // (Npgsql takes that setting only with several hosts; here both are the proxy).
            proxied.Host = $"{proxied.Host}:{proxied.Port},{proxied.Host}:{proxied.Port}";
            proxied.TargetSessionAttributes = "read-write";
        }

        builder.UseSetting($"ConnectionStrings:{connection}", proxied.ConnectionString);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Proxy.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class ApiOverCuttablePrimary() : ApiOverCuttableDatabase("Primary", 55432);

public sealed class ApiOverCuttableReplica() : ApiOverCuttableDatabase("Replica", 55433);
