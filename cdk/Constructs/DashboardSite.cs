using Amazon.CDK.AWS.CloudFront;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.S3.Deployment;
using Constructs;

namespace BookingAws.Cdk.Constructs;

public sealed class DashboardSiteProps
{
    public required Distribution Distribution { get; init; }

    /// <summary>The portal's bucket: the dashboard's files live under <see cref="DashboardSite.KeyPrefix"/> in it.</summary>
    public required IBucket Bucket { get; init; }

    /// <summary>The bucket's origin as the distribution already has it, so there is one origin access control.</summary>
    public required IOrigin Origin { get; init; }

    public required IResponseHeadersPolicy SecurityHeaders { get; init; }

    /// <summary>The dashboard's build folder (dashboard/dist); when given, deploys upload it and invalidate /dashboard/*.</summary>
    public string? Bundle { get; init; }
}

/// <summary>
/// The business dashboard on the portal's distribution, under /dashboard/: the same origin as /api and /hubs, so
/// the app needs no CORS and no API URL, and its files share the portal bucket (keys under dashboard/) and its
/// protection. A viewer-request function serves index.html for the folder itself; the app routes in the URL
/// fragment, so no other path needs rewriting.
/// </summary>
public sealed class DashboardSite : Construct
{
    public const string PathPattern = "/dashboard/*";
    public const string KeyPrefix = "dashboard/";

    public DashboardSite(Construct scope, string id, DashboardSiteProps props) : base(scope, id)
    {
        var index = new Function(this, "IndexRewrite", new FunctionProps
        {
            Comment = "/dashboard and /dashboard/ serve the dashboard's index.html",
            Runtime = FunctionRuntime.JS_2_0,
            Code = FunctionCode.FromInline(
                "function handler(event) { var r = event.request; " +
                "if (r.uri === '/dashboard' || r.uri === '/dashboard/') { r.uri = '/dashboard/index.html'; } return r; }"),
        });
        var behavior = new BehaviorOptions
        {
            Origin = props.Origin,
            ViewerProtocolPolicy = ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            CachePolicy = CachePolicy.CACHING_OPTIMIZED,
            ResponseHeadersPolicy = props.SecurityHeaders,
            Compress = true,
            FunctionAssociations = [new FunctionAssociation { Function = index, EventType = FunctionEventType.VIEWER_REQUEST }],
        };
        props.Distribution.AddBehavior(PathPattern, behavior.Origin, behavior);
        props.Distribution.AddBehavior("/dashboard", behavior.Origin, behavior);

        if (props.Bundle is { } bundle)
        {
            // As the portal's: hashed assets immutable and never pruned, index.html revalidated and invalidated.
            var assets = new BucketDeployment(this, "Assets", new BucketDeploymentProps
            {
                Sources = [Source.Asset(bundle)],
                DestinationBucket = props.Bucket,
                DestinationKeyPrefix = KeyPrefix,
                Exclude = ["index.html"],
                Prune = false,
                CacheControl = [CacheControl.FromString("public, max-age=31536000, immutable")],
                MemoryLimit = 512,
            });
            var page = new BucketDeployment(this, "Page", new BucketDeploymentProps
            {
                Sources = [Source.Asset(bundle)],
                DestinationBucket = props.Bucket,
                DestinationKeyPrefix = KeyPrefix,
                Exclude = ["*"],
                Include = ["index.html"],
                Prune = false,
                CacheControl = [CacheControl.FromString("no-cache")],
                Distribution = props.Distribution,
                DistributionPaths = ["/dashboard", "/dashboard/*"],
                MemoryLimit = 512,
            });
            page.Node.AddDependency(assets);
        }
    }
}
