using Amazon.CDK.Assertions;

namespace BookingAws.Cdk.Tests;

/// <summary>What AWS Control Tower's proactive controls ask of the edge and the data at rest (issue 14, item 4).</summary>
public sealed class EdgeHardeningTests(ProdPlatform prod, DevPlatform dev) : IClassFixture<ProdPlatform>, IClassFixture<DevPlatform>
{
    [Fact]
    public void Prod_cloudfront_serves_its_domain_with_its_certificate_at_tls_1_2_2021()
    {
        prod.Edge.HasResourceProperties("AWS::CloudFront::Distribution", new Dictionary<string, object>
        {
            ["DistributionConfig"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["Aliases"] = new[] { ProdPlatform.DomainName },
                ["ViewerCertificate"] = new Dictionary<string, object>
                {
                    ["AcmCertificateArn"] = ProdPlatform.EdgeCertificateArn,
                    ["SslSupportMethod"] = "sni-only",
                    ["MinimumProtocolVersion"] = "TLSv1.2_2021",
                },
            }),
        });
    }

    [Fact]
    public void Prod_cloudfront_reaches_the_api_over_https_only()
    {
        var distribution = PlatformFixture.Resources(prod.Edge, "AWS::CloudFront::Distribution").Single().Value;
        var origins = distribution["Properties"]!["DistributionConfig"]!["Origins"]!.AsArray()
            .Where(o => o!["CustomOriginConfig"] is not null)
            .ToList();
        Assert.NotEmpty(origins);
        Assert.All(origins, o =>
        {
            Assert.Equal("https-only", o!["CustomOriginConfig"]!["OriginProtocolPolicy"]!.ToString());
            Assert.Equal("[\"TLSv1.2\"]", o["CustomOriginConfig"]!["OriginSSLProtocols"]!.ToJsonString());
        });
    }

    [Fact]
    public void The_portal_bucket_expires_old_versions()
    {
        prod.Edge.HasResourceProperties("AWS::S3::Bucket", new Dictionary<string, object>
        {
            ["VersioningConfiguration"] = new Dictionary<string, object> { ["Status"] = "Enabled" },
            ["LifecycleConfiguration"] = new Dictionary<string, object>
            {
                ["Rules"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["NoncurrentVersionExpiration"] = Match.ObjectLike(new Dictionary<string, object> { ["NoncurrentDays"] = 30 }),
                    ["Status"] = "Enabled",
                })]),
            },
        });
    }

    [Fact]
    public void Application_log_groups_are_encrypted_with_a_key_cloudwatch_logs_may_use()
    {
        var key = prod.Compute.GetLogicalId(prod.Platform.Compute.LogKey);
        foreach (var group in new[] { prod.Platform.Compute.ApiLogs, prod.Platform.Compute.WorkerLogs })
        {
            var props = PlatformFixture.Resources(prod.Compute, "AWS::Logs::LogGroup")[prod.Compute.GetLogicalId(group)]["Properties"]!;
            Assert.Equal(key, props["KmsKeyId"]!["Fn::GetAtt"]![0]!.ToString());
        }
        var policy = PlatformFixture.Resources(prod.Compute, "AWS::KMS::Key")[key]["Properties"]!["KeyPolicy"]!.ToJsonString();
        Assert.Contains("logs.eu-west-1.amazonaws.com", policy, StringComparison.Ordinal);
        Assert.Contains("kms:EncryptionContext:aws:logs:arn", policy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("prod", "0.05")]
    [InlineData("dev", "1")]
    public void Both_fleets_get_the_stages_trace_sampling_ratio(string stage, string ratio)
    {
        var fixture = stage == "prod" ? (PlatformFixture)prod : dev;
        var userData = PlatformFixture.Resources(fixture.Compute, "AWS::EC2::LaunchTemplate").Values
            .Select(t => EmittedMetrics.Flatten(t["Properties"]!["LaunchTemplateData"]!["UserData"]!["Fn::Base64"]!))
            .ToList();
        Assert.Equal(2, userData.Count);
        Assert.All(userData, u => Assert.Contains($"\"Tracing__SampleRatio\":\"{ratio}\"", u, StringComparison.Ordinal));
    }
}
