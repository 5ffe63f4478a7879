using BookingAws.Shared.Aws;

namespace BookingAws.Shared.Tests.Aws;

/// <summary>SES, SQS and Cognito sign for and call the region configured, else the environment's, else the SDK's; none is assumed.</summary>
public class AwsRegionTests
{
    [Fact]
    public void Configured_region_wins_over_the_environment_and_the_sdk()
    {
        var region = AwsRegion.Resolve("eu-central-1", Env(("AWS_REGION", "ap-south-1")), () => "sa-east-1");

        Assert.Equal("eu-central-1", region);
    }

    [Fact]
    public void Without_configuration_the_region_comes_from_AWS_REGION_then_AWS_DEFAULT_REGION()
    {
        Assert.Equal("ap-south-1", AwsRegion.Resolve(null, Env(("AWS_REGION", "ap-south-1"), ("AWS_DEFAULT_REGION", "ca-central-1")), () => null));
        Assert.Equal("ca-central-1", AwsRegion.Resolve(" ", Env(("AWS_DEFAULT_REGION", "ca-central-1")), () => null));
    }

    [Fact]
    public void Without_configuration_or_environment_the_sdk_fallback_decides_and_nothing_is_assumed()
    {
        Assert.Equal("eu-north-1", AwsRegion.Resolve(string.Empty, Env(), () => "eu-north-1"));
        Assert.Null(AwsRegion.Resolve(string.Empty, Env(), () => null));
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;
}
