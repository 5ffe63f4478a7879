using Amazon.CDK.Assertions;
using BookingAws.Cdk.Constructs;

namespace BookingAws.Cdk.Tests;

/// <summary>The business dashboard on the platform's distribution, under /dashboard/, from the portal bucket.</summary>
public sealed class DashboardSiteTests(ProdPlatform prod) : IClassFixture<ProdPlatform>
{
    // AWS managed CachingOptimized.
    private const string CachingOptimized = "658327ea-f89d-4fab-a63d-7e88639e58f6";

    [Theory]
    [InlineData(DashboardSite.PathPattern)]
    [InlineData("/dashboard")]
    public void The_dashboard_is_served_cached_over_https_from_the_bucket_with_its_index_for_the_folder(string path)
    {
        prod.Edge.HasResourceProperties("AWS::CloudFront::Distribution", new Dictionary<string, object>
        {
            ["DistributionConfig"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["CacheBehaviors"] = Match.ArrayWith([Match.ObjectLike(new Dictionary<string, object>
                {
                    ["PathPattern"] = path,
                    ["CachePolicyId"] = CachingOptimized,
                    ["ViewerProtocolPolicy"] = "redirect-to-https",
                    ["ResponseHeadersPolicyId"] = Match.AnyValue(),
                    ["FunctionAssociations"] = new[] { Match.ObjectLike(new Dictionary<string, object> { ["EventType"] = "viewer-request" }) },
                })]),
            }),
        });
    }

    [Fact]
    public void The_folder_url_is_rewritten_to_the_dashboards_index_page()
    {
        prod.Edge.HasResourceProperties("AWS::CloudFront::Function", new Dictionary<string, object>
        {
            ["FunctionCode"] = Match.StringLikeRegexp("r.uri = '/dashboard/index.html'"),
            ["FunctionConfig"] = Match.ObjectLike(new Dictionary<string, object> { ["Runtime"] = "cloudfront-js-2.0" }),
        });
    }

    [Fact]
    public void The_api_behaviour_still_wins_for_api_paths()
    {
        // /dashboard* cannot shadow /api/* or /hubs/*: the API keeps its uncached behaviours.
        var behaviours = prod.Edge.FindResources("AWS::CloudFront::Distribution").Values.Single();
        var json = System.Text.Json.JsonSerializer.Serialize(behaviours);
        Assert.Contains("\"/api/*\"", json);
        Assert.Contains("\"/dashboard/*\"", json);
    }
}

/// <summary>The prod stage synthesized with a dashboard build only, as a deploy that ships just the dashboard.</summary>
public sealed class ProdPlatformWithDashboard() : PlatformFixture("prod", new Dictionary<string, string> { ["dashboardBundle"] = PortalBundle.Folder })
{
}

public sealed class DashboardDeploymentTests(ProdPlatformWithDashboard withDashboard) : IClassFixture<ProdPlatformWithDashboard>
{
    [Fact]
    public void A_dashboard_build_is_uploaded_under_its_prefix_and_only_its_paths_are_invalidated()
    {
        withDashboard.Edge.ResourceCountIs("Custom::CDKBucketDeployment", 2);
        withDashboard.Edge.HasResourceProperties("Custom::CDKBucketDeployment", new Dictionary<string, object>
        {
            ["DestinationBucketKeyPrefix"] = DashboardSite.KeyPrefix,
            ["Include"] = new[] { "index.html" },
            ["DistributionPaths"] = new[] { "/dashboard", "/dashboard/*" },
            ["SystemMetadata"] = Match.ObjectLike(new Dictionary<string, object> { ["cache-control"] = "no-cache" }),
            ["Prune"] = false,
            ["DestinationBucketName"] = Match.ObjectLike(new Dictionary<string, object> { ["Ref"] = Match.StringLikeRegexp("^Portal") }),
        });
        withDashboard.Edge.HasResourceProperties("Custom::CDKBucketDeployment", new Dictionary<string, object>
        {
            ["DestinationBucketKeyPrefix"] = DashboardSite.KeyPrefix,
            ["Exclude"] = new[] { "index.html" },
            ["SystemMetadata"] = Match.ObjectLike(new Dictionary<string, object> { ["cache-control"] = "public, max-age=31536000, immutable" }),
            // Never pruned: a prune under the prefix would be harmless to the portal, but would break pages loaded before a deploy.
            ["Prune"] = false,
        });
    }

    [Fact]
    public void The_upload_function_is_acknowledged_for_cdk_nag_without_a_portal_build()
    {
        var metadata = System.Text.Json.JsonSerializer.Serialize(withDashboard.Edge.ToJSON()["Metadata"]);
        Assert.Contains("CustomCDKBucketDeployment", metadata);
    }
}
