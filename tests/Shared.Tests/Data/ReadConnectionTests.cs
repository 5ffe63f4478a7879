using BookingAws.Shared.Data;
using Npgsql;

namespace BookingAws.Shared.Tests.Data;

public class ReadConnectionTests
{
    [Fact]
    public void Reads_prefer_the_replica_and_fall_back_to_the_primary()
    {
        var reads = new NpgsqlConnectionStringBuilder(DataServiceCollectionExtensions.ReadsPreferringReplica(
            "Host=10.0.0.2;Port=5433;Database=b;Username=app", "Host=10.0.0.1;Port=5432;Database=b;Username=app"));

        Assert.Equal("10.0.0.2:5433,10.0.0.1:5432", reads.Host);
        Assert.Equal("prefer-standby", reads.TargetSessionAttributes);
    }

    [Fact]
    public void A_primary_naming_both_hosts_as_a_cluster_endpoint_keeps_its_own_ports()
    {
        var reads = new NpgsqlConnectionStringBuilder(DataServiceCollectionExtensions.ReadsPreferringReplica(
            "Host=127.0.0.1;Port=55433;Database=b;Username=app",
            "Host=127.0.0.1:55432,127.0.0.1:55433;Database=b;Username=app;Target Session Attributes=read-write"));

        Assert.Equal("127.0.0.1:55433,127.0.0.1:55432,127.0.0.1:55433", reads.Host);
        Assert.Equal("prefer-standby", reads.TargetSessionAttributes);
    }

    [Theory]
    [InlineData("Host=10.0.0.1:5432,10.0.0.2:5432;Database=b;Username=app;Target Session Attributes=read-write", 1)]
    [InlineData("Host=10.0.0.1:5432,10.0.0.2:5432;Database=b;Username=app;Host Recheck Seconds=5", 5)]
    [InlineData("Host=10.0.0.1:5432,10.0.0.2:5432;Database=b;Username=app;HostRecheckSeconds=5", 5)]
    [InlineData("Host=10.0.0.1:5432,10.0.0.2:5432;Database=b;Username=app;Password=Recheck", 1)]
    [InlineData("Host=10.0.0.1;Port=5432;Database=b;Username=app", 10)]
    public void A_multi_host_writer_is_tried_again_within_the_retry_after_the_api_gives_unless_it_says_otherwise(string primary, int recheck)
    {
        var writer = new NpgsqlConnectionStringBuilder(DataServiceCollectionExtensions.WriterRecheckedSoon(primary));

        Assert.Equal(recheck, writer.HostRecheckSeconds);
        Assert.Equal(new NpgsqlConnectionStringBuilder(primary).Host, writer.Host);
    }
}
