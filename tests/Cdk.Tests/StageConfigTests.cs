namespace BookingAws.Cdk.Tests;

public sealed class StageConfigTests
{
    private static Func<string, string?> Context(params (string Key, string Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void Stage_defaults_to_dev()
    {
        Assert.Equal("dev", StageConfig.From(Context()).Name);
    }

    [Fact]
    public void Unknown_stage_is_refused_with_the_valid_names()
    {
        var error = Assert.Throws<ArgumentException>(() => StageConfig.From(Context(("stage", "staging"))));
        Assert.Contains("stage=prod", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_without_an_origin_domain_is_refused()
    {
        Assert.Throws<ArgumentException>(() => StageConfig.From(Context(("stage", "prod"), ("certificateArn", "arn:aws:acm:eu-west-1:1:certificate/x"))));
    }

    [Fact]
    public void Prod_is_protected_and_dev_is_not()
    {
        Assert.True(StageConfig.Prod.Protect);
        Assert.False(StageConfig.Dev.Protect);
    }
}
