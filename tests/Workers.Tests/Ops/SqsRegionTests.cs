using Amazon;
using Amazon.SQS;
using BookingAws.Shared.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Workers.Tests.Ops;

/// <summary>The SQS client talks to the region the instance runs in, never a fixed default.</summary>
public sealed class SqsRegionTests
{
    [Fact]
    public void The_client_uses_the_region_from_AWS_REGION()
    {
        using var services = SqsServices(new() { ["AWS_REGION"] = "eu-west-1" });

        Assert.Equal(RegionEndpoint.EUWest1, services.GetRequiredService<IAmazonSQS>().Config.RegionEndpoint);
    }

    [Fact]
    public void The_client_uses_AWS_DEFAULT_REGION_when_AWS_REGION_is_unset()
    {
        using var services = SqsServices(new() { ["AWS_DEFAULT_REGION"] = "ap-southeast-2" });

        Assert.Equal(RegionEndpoint.APSoutheast2, services.GetRequiredService<IAmazonSQS>().Config.RegionEndpoint);
    }

    [Fact]
    public void An_explicit_Sqs_Region_wins_over_the_environment()
    {
        using var services = SqsServices(new() { ["AWS_REGION"] = "eu-west-1", ["Sqs:Region"] = "eu-central-1" });

        Assert.Equal(RegionEndpoint.EUCentral1, services.GetRequiredService<IAmazonSQS>().Config.RegionEndpoint);
    }

    [Fact]
    public void With_no_region_set_the_SDK_fallback_decides_not_a_fixed_default()
    {
        var asked = false;

        var region = SqsOptions.ResolveRegion(null, _ => null, () =>
        {
            asked = true;
            return RegionEndpoint.SAEast1;
        });

        Assert.True(asked);
        Assert.Equal(RegionEndpoint.SAEast1, region);
    }

    [Fact]
    public void With_no_region_anywhere_start_up_fails_with_a_reason()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SqsOptions.ResolveRegion(null, _ => null, () => null));

        Assert.Contains("AWS_REGION", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider SqsServices(Dictionary<string, string?> settings)
    {
        // As in AWS: no ServiceUrl. Credentials are never needed to read the client's configuration.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddSqs();
        return services.BuildServiceProvider();
    }
}
