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

    [Fact]
    public void Prod_without_an_email_domain_is_refused_with_the_context_key_to_set()
    {
        var error = Assert.Throws<ArgumentException>(() => StageConfig.From(Context(("stage", "prod"))));
        Assert.Contains("-c emailDomain=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dev_without_an_email_domain_uses_the_placeholder_and_stays_unverified()
    {
        var dev = StageConfig.From(Context());
        Assert.Equal(StageConfig.DevPlaceholderEmailDomain, dev.EmailDomain);
        Assert.Equal("bookings@dev.bookingaws.example", dev.EmailFrom);
        Assert.False(dev.EmailVerified);
    }

    [Fact]
    public void The_sender_defaults_to_bookings_at_the_domain_and_may_be_another_address_there()
    {
        var prod = StageConfig.From(Context(("stage", "prod"), ("emailDomain", "Mail.Example.com")));
        Assert.Equal("bookings@mail.example.com", prod.EmailFrom);
        var custom = StageConfig.From(Context(("stage", "prod"), ("emailDomain", "mail.example.com"), ("emailFrom", "hello@mail.example.com"), ("emailVerified", "true")));
        Assert.Equal("hello@mail.example.com", custom.EmailFrom);
        Assert.True(custom.EmailVerified);
    }

    [Fact]
    public void A_sender_outside_the_verified_domain_is_refused()
    {
        Assert.Throws<ArgumentException>(() => StageConfig.From(Context(("stage", "prod"), ("emailDomain", "mail.example.com"), ("emailFrom", "me@gmail.com"))));
    }
}
