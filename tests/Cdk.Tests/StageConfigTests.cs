namespace BookingAws.Cdk.Tests;

public sealed class StageConfigTests
{
    private static Func<string, string?> Context(params (string Key, string Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;

    /// <summary>Prod's required context (domain and certificates), with these values added or replacing them.</summary>
    private static Func<string, string?> Prod(params (string Key, string Value)[] values) =>
        key => values.Any(v => v.Key == key)
            ? values.First(v => v.Key == key).Value
            : key == "stage" ? "prod" : ProdPlatform.RequiredContext.GetValueOrDefault(key);

    public static TheoryData<string> Stages => new() { "dev", "prod" };

    [Theory]
    [MemberData(nameof(Stages))]
    public void The_planned_cache_data_and_every_backplane_buffer_at_its_limit_fit_in_half_of_maxmemory(string name)
    {
        var stage = name == "prod" ? StageConfig.Prod : StageConfig.Dev;
        var buffersGiB = stage.CacheSubscribersMax * stage.CachePubSubHardLimitMiB / 1024.0;
        // Half, so the memory alarm at 80% fires on growth well before a burst of backlogged subscribers evicts anything.
        Assert.True(stage.CachePlannedDataGiB + buffersGiB <= stage.CacheMaxMemoryGiB / 2,
            $"{name}: {stage.CachePlannedDataGiB} GiB data + {buffersGiB} GiB buffers against {stage.CacheMaxMemoryGiB} GiB maxmemory");
        Assert.True(stage.CachePubSubSoftLimitMiB < stage.CachePubSubHardLimitMiB);
    }

    [Fact]
    public void Prod_cache_has_replicas_to_fail_over_to_and_keeps_the_aws_default_reserve()
    {
        Assert.True(StageConfig.Prod.CacheReplicas >= 1);
        Assert.Equal(25, StageConfig.Prod.CacheReservedMemoryPercent);
        // Two pub/sub connections per process (backplane, cache invalidations) of a full fleet of 12 API and 10 workers.
        Assert.Equal(44, StageConfig.Prod.CacheSubscribersMax);
    }

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
        var error = Assert.Throws<ArgumentException>(() => StageConfig.From(Context(("certificateArn", "arn:aws:acm:eu-west-1:1:certificate/x"))));
        Assert.Contains("originDomainName", error.Message, StringComparison.Ordinal);
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
        var prod = StageConfig.From(Prod(("emailDomain", "Mail.Example.com")));
        Assert.Equal("bookings@mail.example.com", prod.EmailFrom);
        var custom = StageConfig.From(Prod(("emailDomain", "mail.example.com"), ("emailFrom", "hello@mail.example.com"), ("emailVerified", "true")));
        Assert.Equal("hello@mail.example.com", custom.EmailFrom);
        Assert.True(custom.EmailVerified);
    }

    [Fact]
    public void A_sender_outside_the_verified_domain_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => StageConfig.From(Prod(("emailDomain", "mail.example.com"), ("emailFrom", "me@gmail.com"))));
        Assert.Contains("emailFrom", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("domainName")]
    [InlineData("edgeCertificateArn")]
    [InlineData("certificateArn")]
    public void Prod_without_its_domain_or_a_certificate_is_refused(string missing)
    {
        var error = Assert.Throws<ArgumentException>(() => StageConfig.From(Prod((missing, ""))));
        Assert.Contains($"-c {missing}=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prod_with_its_domain_and_certificates_synthesizes_and_keeps_5_percent_of_traces()
    {
        var prod = StageConfig.From(Prod());
        Assert.Equal(ProdPlatform.DomainName, prod.DomainName);
        Assert.Equal(0.05, prod.TracingSampleRatio);
    }

    [Fact]
    public void An_edge_certificate_outside_us_east_1_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => StageConfig.From(Prod(("edgeCertificateArn", "arn:aws:acm:eu-west-1:1:certificate/x"))));
        Assert.Contains("us-east-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Synthesizing_the_prod_app_without_domain_and_certificates_fails()
    {
        var context = RepoPaths.CdkJsonContext();
        context["stage"] = "prod";
        context["emailDomain"] = ProdPlatform.EmailDomain;
        var app = new Amazon.CDK.App(new Amazon.CDK.AppProps { Context = context, Outdir = Path.Combine(Path.GetTempPath(), "bookingaws-prod-refused") });
        var error = Assert.Throws<ArgumentException>(() => Platform.Build(app));
        Assert.Contains("-c domainName=", error.Message, StringComparison.Ordinal);
    }
}
