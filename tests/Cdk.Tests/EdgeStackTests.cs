using Amazon.CDK.Assertions;

namespace BookingAws.Cdk.Tests;

public sealed class EdgeStackTests(ProdPlatform prod) : IClassFixture<ProdPlatform>
{
    // AWS managed policy ids.
    private const string CachingDisabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
    private const string AllViewerExceptHost = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

    private static Dictionary<string, object> Behavior(string path, object cachePolicy) => new()
    {
        ["DistributionConfig"] = Match.ObjectLike(new Dictionary<string, object>
        {
            ["CacheBehaviors"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
            {
                ["PathPattern"] = path,
                ["CachePolicyId"] = cachePolicy,
                ["OriginRequestPolicyId"] = AllViewerExceptHost,
                ["ViewerProtocolPolicy"] = "redirect-to-https",
            })]),
        }),
    };

    [Fact]
    public void Hubs_are_forwarded_uncached_with_every_method_and_viewer_header()
    {
        prod.Edge.HasResourceProperties("AWS::CloudFront::Distribution", Behavior("/hubs/*", CachingDisabled));
        prod.Edge.HasResourceProperties("AWS::CloudFront::Distribution", new Dictionary<string, object>
        {
            ["DistributionConfig"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["CacheBehaviors"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["PathPattern"] = "/hubs/*",
                    ["AllowedMethods"] = Match.ArrayWith(["GET", "OPTIONS", "POST", "DELETE"]),
                })]),
            }),
        });
    }

    [Fact]
    public void Api_is_forwarded_uncached()
    {
        prod.Edge.HasResourceProperties("AWS::CloudFront::Distribution", Behavior("/api/*", CachingDisabled));
    }

    [Fact]
    public void Public_catalogue_is_cached_briefly()
    {
        prod.Edge.HasResourceProperties("AWS::CloudFront::CachePolicy", new Dictionary<string, object>
        {
            ["CachePolicyConfig"] = Match.ObjectLike(new Dictionary<string, object> { ["DefaultTTL"] = 30, ["MaxTTL"] = 60 }),
        });
        prod.Edge.HasResourceProperties("AWS::CloudFront::Distribution", Behavior(BookingAws.Cdk.Stacks.EdgeStack.CataloguePath, Match.ObjectLike(new Dictionary<string, object> { ["Ref"] = Match.AnyValue() })));
    }

    [Fact]
    public void Catalogue_behaviour_is_matched_before_the_general_api_one()
    {
        var distribution = PlatformFixture.Resources(prod.Edge, "AWS::CloudFront::Distribution").Single().Value;
        var paths = distribution["Properties"]!["DistributionConfig"]!["CacheBehaviors"]!.AsArray().Select(b => b!["PathPattern"]!.ToString()).ToList();
        Assert.True(paths.IndexOf(BookingAws.Cdk.Stacks.EdgeStack.CataloguePath) < paths.IndexOf("/api/*"));
    }

    [Fact]
    public void Portal_is_the_default_behaviour_through_origin_access_control()
    {
        prod.Edge.ResourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
        prod.Edge.HasResourceProperties("AWS::S3::Bucket", new Dictionary<string, object>
        {
            ["PublicAccessBlockConfiguration"] = new Dictionary<string, object>
            {
                ["BlockPublicAcls"] = true,
                ["BlockPublicPolicy"] = true,
                ["IgnorePublicAcls"] = true,
                ["RestrictPublicBuckets"] = true,
            },
            ["VersioningConfiguration"] = new Dictionary<string, object> { ["Status"] = "Enabled" },
        });
    }

    [Fact]
    public void Responses_carry_security_headers()
    {
        prod.Edge.HasResourceProperties("AWS::CloudFront::ResponseHeadersPolicy", new Dictionary<string, object>
        {
            ["ResponseHeadersPolicyConfig"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["SecurityHeadersConfig"] = Match.ObjectLike(new Dictionary<string, object>
                {
                    ["StrictTransportSecurity"] = Match.ObjectLike(new Dictionary<string, object> { ["AccessControlMaxAgeSec"] = 31536000 }),
                    ["FrameOptions"] = Match.ObjectLike(new Dictionary<string, object> { ["FrameOption"] = "DENY" }),
                }),
            }),
        });
    }

    [Fact]
    public void Distribution_is_protected_by_the_web_acl_and_logs_access()
    {
        prod.Edge.HasResourceProperties("AWS::CloudFront::Distribution", new Dictionary<string, object>
        {
            ["DistributionConfig"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["WebACLId"] = Match.AnyValue(),
                ["Logging"] = Match.ObjectLike(new Dictionary<string, object> { ["Bucket"] = Match.AnyValue() }),
            }),
        });
    }

    [Fact]
    public void Web_acl_is_in_us_east_1_for_cloudfront_with_managed_and_rate_rules()
    {
        Assert.Equal("us-east-1", prod.Platform.Waf.Region);
        prod.Waf.HasResourceProperties("AWS::WAFv2::WebACL", new Dictionary<string, object>
        {
            ["Scope"] = "CLOUDFRONT",
            ["Rules"] = Match.ArrayWith([
                Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Statement"] = new Dictionary<string, object>
                    {
                        ["ManagedRuleGroupStatement"] = new Dictionary<string, object> { ["VendorName"] = "AWS", ["Name"] = "AWSManagedRulesCommonRuleSet" },
                    },
                }),
                Match.ObjectLike(new Dictionary<string, object>
                {
                    ["Statement"] = new Dictionary<string, object>
                    {
                        ["RateBasedStatement"] = new Dictionary<string, object> { ["Limit"] = 2000, ["AggregateKeyType"] = "IP" },
                    },
                }),
            ]),
        });
    }
}

/// <summary>The prod stage synthesized with a portal build, as a deploy that ships the portal does it.</summary>
public sealed class ProdPlatformWithPortal() : PlatformFixture("prod", new Dictionary<string, string> { ["portalBundle"] = PortalBundle.Folder })
{
}

internal static class PortalBundle
{
    /// <summary>A stand-in build folder: the deployment only needs files to upload.</summary>
    public static readonly string Folder = Create();

    private static string Create()
    {
        var folder = Path.Combine(Path.GetTempPath(), "bookingaws-portal-bundle");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "index.html"), "<!doctype html><title>BookingAws</title>");
        return folder;
    }
}

public sealed class PortalDeploymentTests(ProdPlatformWithPortal withPortal, ProdPlatform without)
    : IClassFixture<ProdPlatformWithPortal>, IClassFixture<ProdPlatform>
{
    [Fact]
    public void A_portal_build_is_uploaded_to_the_portal_bucket_and_the_whole_distribution_invalidated()
    {
        withPortal.Edge.ResourceCountIs("Custom::CDKBucketDeployment", 2);
        // index.html: revalidated by browsers, invalidated at the edge on every deploy.
        withPortal.Edge.HasResourceProperties("Custom::CDKBucketDeployment", new Dictionary<string, object>
        {
            ["DistributionPaths"] = new[] { "/*" },
            ["Include"] = new[] { "index.html" },
            ["SystemMetadata"] = Match.ObjectLike(new Dictionary<string, object> { ["cache-control"] = "no-cache" }),
            ["Prune"] = false,
            ["DestinationBucketName"] = Match.ObjectLike(new Dictionary<string, object> { ["Ref"] = Match.StringLikeRegexp("^Portal") }),
        });
        // Hashed assets: cached for good and never pruned, so pages loaded before a deploy keep working.
        withPortal.Edge.HasResourceProperties("Custom::CDKBucketDeployment", new Dictionary<string, object>
        {
            ["Exclude"] = new[] { "index.html" },
            ["SystemMetadata"] = Match.ObjectLike(new Dictionary<string, object> { ["cache-control"] = "public, max-age=31536000, immutable" }),
            ["Prune"] = false,
        });
    }

    [Fact]
    public void Without_a_portal_build_nothing_is_uploaded() =>
        without.Edge.ResourceCountIs("Custom::CDKBucketDeployment", 0);

    [Fact]
    public void Api_errors_are_never_replaced_by_the_portal_page()
    {
        var distribution = PlatformFixture.Resources(without.Edge, "AWS::CloudFront::Distribution").Values.Single();
        Assert.Null(distribution["Properties"]!["DistributionConfig"]!["CustomErrorResponses"]);
    }
}
