using Amazon.CDK;
using Amazon.CDK.AWS.CloudFront;
using Amazon.CDK.AWS.CloudFront.Origins;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.S3.Deployment;
using Constructs;

namespace BookingAws.Cdk.Stacks;

public sealed class EdgeStackProps : StackProps
{
    public required StageConfig Stage { get; init; }

    /// <summary>DNS name CloudFront uses to reach the ALB (the ALB's own name when HTTPS is off).</summary>
    public required string ApiOriginDomain { get; init; }
    public required bool ApiOriginHttps { get; init; }
    public required string WebAclArn { get; init; }

    /// <summary>Sent as <see cref="ComputeStack.OriginVerifyHeader"/> to the ALB, which refuses requests without it.</summary>
    public required Amazon.CDK.AWS.SecretsManager.ISecret OriginVerifySecret { get; init; }

    /// <summary>The secret version CloudFront sends (context originVerifyVersion); null is AWSCURRENT.</summary>
    public string? OriginVerifyVersion { get; init; }

    /// <summary>The portal's build folder (portal/dist); when given, deploys upload it and invalidate the cache.</summary>
    public string? PortalBundle { get; init; }

    /// <summary>The business dashboard's build folder (dashboard/dist), served under /dashboard/; see <see cref="Constructs.DashboardSite"/>.</summary>
    public string? DashboardBundle { get; init; }
}

/// <summary>Portal bucket and the CloudFront distribution in front of both the portal and the API.</summary>
public sealed class EdgeStack : Stack
{
    /// <summary>Public catalogue reads, cached briefly at the edge; everything else under /api is uncached.</summary>
    public const string CataloguePath = "/api/v1/tenants/*/catalog";

    public Bucket PortalBucket { get; }
    public Distribution Distribution { get; }

    public EdgeStack(Construct scope, string id, EdgeStackProps props) : base(scope, id, props)
    {
        var stage = props.Stage;
        var logs = new Bucket(this, "EdgeLogs", new BucketProps
        {
            Encryption = BucketEncryption.S3_MANAGED,
            BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
            EnforceSSL = true,
            // CloudFront standard logging writes with ACLs.
            ObjectOwnership = ObjectOwnership.OBJECT_WRITER,
            LifecycleRules = [new LifecycleRule { Expiration = Duration.Days(stage.LogRetentionDays) }],
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
        Nag.Suppress(logs, "AwsSolutions-S1", "This bucket is the access-log destination; logging it to itself would loop.");
        LogBucket.Acknowledge(logs, "CloudFront standard logging cannot write to an SSE-KMS bucket.");

        PortalBucket = new Bucket(this, "Portal", new BucketProps
        {
            Encryption = BucketEncryption.S3_MANAGED,
            BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
            EnforceSSL = true,
            Versioned = true,
            // Old versions are kept a month for a rollback of the portal, then expire; hashed assets are never
            // overwritten, so only index.html builds up versions.
            LifecycleRules =
            [
                new LifecycleRule
                {
                    NoncurrentVersionExpiration = Duration.Days(30),
                    NoncurrentVersionsToRetain = 5,
                    AbortIncompleteMultipartUploadAfter = Duration.Days(7),
                },
            ],
            ServerAccessLogsBucket = logs,
            ServerAccessLogsPrefix = "portal-bucket/",
            RemovalPolicy = stage.Protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        });

        Guard.Suppress(PortalBucket, "s3_bucket_default_encryption_kms_check",
            "The portal is the public web app's static files, served to anyone through CloudFront; a KMS key would protect nothing and add a key policy for CloudFront.");
        Guard.Suppress(PortalBucket, "s3_bucket_object_lock_enabled_check",
            "Each deploy overwrites index.html and old versions expire after 30 days; object lock would keep them forever.");
        Guard.Suppress(PortalBucket, "s3_event_notifications_enabled_check", "Only deploys write to it; nothing reacts to its changes.");

        var api = new HttpOrigin(props.ApiOriginDomain, new HttpOriginProps
        {
            ProtocolPolicy = props.ApiOriginHttps ? OriginProtocolPolicy.HTTPS_ONLY : OriginProtocolPolicy.HTTP_ONLY,
            OriginSslProtocols = [OriginSslPolicy.TLS_V1_2],
            ReadTimeout = Duration.Seconds(30),
            CustomHeaders = new Dictionary<string, string>
            {
                [ComputeStack.OriginVerifyHeader] = ComputeStack.OriginVerifyValue(props.OriginVerifySecret, props.OriginVerifyVersion),
            },
        });

        var securityHeaders = new ResponseHeadersPolicy(this, "SecurityHeaders", new ResponseHeadersPolicyProps
        {
            Comment = "HSTS, no sniffing, no framing, strict referrer, XSS protection",
            SecurityHeadersBehavior = new ResponseSecurityHeadersBehavior
            {
                StrictTransportSecurity = new ResponseHeadersStrictTransportSecurity
                {
                    AccessControlMaxAge = Duration.Days(365),
                    IncludeSubdomains = true,
                    Override = true,
                },
                ContentTypeOptions = new ResponseHeadersContentTypeOptions { Override = true },
                FrameOptions = new ResponseHeadersFrameOptions { FrameOption = HeadersFrameOption.DENY, Override = true },
                ReferrerPolicy = new ResponseHeadersReferrerPolicy
                {
                    ReferrerPolicy = HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    Override = true,
                },
                XssProtection = new ResponseHeadersXSSProtection { Protection = true, ModeBlock = true, Override = true },
            },
        });

        var catalogueCache = new CachePolicy(this, "CatalogueCache", new CachePolicyProps
        {
            Comment = "Public catalogue: short edge cache keyed on path and query",
            DefaultTtl = Duration.Seconds(30),
            MinTtl = Duration.Seconds(0),
            MaxTtl = Duration.Seconds(60),
            QueryStringBehavior = CacheQueryStringBehavior.All(),
            HeaderBehavior = CacheHeaderBehavior.AllowList("Accept-Language"),
            CookieBehavior = CacheCookieBehavior.None(),
            EnableAcceptEncodingGzip = true,
            EnableAcceptEncodingBrotli = true,
        });

        BehaviorOptions ApiBehavior(ICachePolicy cache, AllowedMethods methods) => new()
        {
            Origin = api,
            ViewerProtocolPolicy = ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            AllowedMethods = methods,
            CachePolicy = cache,
            // Forwards every viewer header (including the WebSocket upgrade ones) but the Host.
            OriginRequestPolicy = OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            ResponseHeadersPolicy = securityHeaders,
            Compress = true,
        };

        // One origin (and one origin access control) for the bucket, shared by the portal and the dashboard.
        var portalOrigin = S3BucketOrigin.WithOriginAccessControl(PortalBucket);
        Distribution = new Distribution(this, "Distribution", new DistributionProps
        {
            Comment = $"BookingAws {stage.Name}",
            DefaultRootObject = "index.html",
            DefaultBehavior = new BehaviorOptions
            {
                Origin = portalOrigin,
                ViewerProtocolPolicy = ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                CachePolicy = CachePolicy.CACHING_OPTIMIZED,
                ResponseHeadersPolicy = securityHeaders,
                Compress = true,
            },
            AdditionalBehaviors = new Dictionary<string, IBehaviorOptions>
            {
                [CataloguePath] = ApiBehavior(catalogueCache, AllowedMethods.ALLOW_GET_HEAD_OPTIONS),
                ["/api/*"] = ApiBehavior(CachePolicy.CACHING_DISABLED, AllowedMethods.ALLOW_ALL),
                ["/hubs/*"] = ApiBehavior(CachePolicy.CACHING_DISABLED, AllowedMethods.ALLOW_ALL),
            },
            // No custom error responses: they apply to every behaviour, so the API's 403/404 problem documents
            // would reach the portal as 200 + index.html. The portal has no client-side routes (only /?…).
            DomainNames = stage.DomainName is { } domain ? [domain] : null,
            Certificate = stage.EdgeCertificateArn is { } certificate
                ? Amazon.CDK.AWS.CertificateManager.Certificate.FromCertificateArn(this, "EdgeCertificate", certificate)
                : null,
            HttpVersion = HttpVersion.HTTP2_AND_3,
            MinimumProtocolVersion = SecurityPolicyProtocol.TLS_V1_2_2021,
            PriceClass = stage.Protect ? PriceClass.PRICE_CLASS_ALL : PriceClass.PRICE_CLASS_100,
            EnableLogging = true,
            LogBucket = logs,
            LogFilePrefix = "cloudfront/",
            WebAclId = props.WebAclArn,
        });
        Nag.Suppress(Distribution, "AwsSolutions-CFR1", "Bookings are sold worldwide; no country is blocked.");
        Guard.Suppress(Distribution, "cloudfront_origin_failover_enabled_check",
            "One origin per path (the bucket, the ALB); CloudFront origin groups fail over GET/HEAD only, not the API's writes, and the ALB spans every zone.");
        if (stage.EdgeCertificateArn is null)
        {
            foreach (var rule in new[] { "cloudfront_custom_ssl_certificate_check", "cloudfront_security_policy_check", "cloudfront_sni_enabled_check" })
            {
                Guard.Suppress(Distribution, rule, "Dev only (prod refuses to synthesize without domainName and edgeCertificateArn): the default *.cloudfront.net certificate.");
            }
            Nag.Suppress(Distribution, "AwsSolutions-CFR4",
                "Dev only (prod refuses to synthesize without domainName and edgeCertificateArn): CloudFront's default *.cloudfront.net certificate permits TLSv1.");
        }
        if (!props.ApiOriginHttps)
        {
            Guard.Suppress(Distribution, "cloudfront_traffic_to_origin_encrypted_check",
                "Dev only (prod refuses to synthesize without certificateArn and originDomainName): the ALB has no certificate to speak HTTPS with.");
            Nag.Suppress(Distribution, "AwsSolutions-CFR5",
                "Dev only (prod refuses to synthesize without certificateArn and originDomainName): the API origin speaks HTTP until a certificate is configured.");
        }

        _ = new Constructs.DashboardSite(this, "Dashboard", new Constructs.DashboardSiteProps
        {
            Distribution = Distribution,
            Bucket = PortalBucket,
            Origin = portalOrigin,
            SecurityHeaders = securityHeaders,
            Bundle = props.DashboardBundle,
        });

        if (props.PortalBundle is { } portal)
        {
            // Hashed assets are immutable and kept (Prune off), so a page loaded before a deploy still finds the
            // files its index.html names; index.html itself is revalidated on every load and invalidated on deploy.
            var assets = new BucketDeployment(this, "PortalAssets", new BucketDeploymentProps
            {
                Sources = [Source.Asset(portal)],
                DestinationBucket = PortalBucket,
                Exclude = ["index.html"],
                Prune = false,
                CacheControl = [CacheControl.FromString("public, max-age=31536000, immutable")],
                MemoryLimit = 512,
            });
            var page = new BucketDeployment(this, "PortalPage", new BucketDeploymentProps
            {
                Sources = [Source.Asset(portal)],
                DestinationBucket = PortalBucket,
                Exclude = ["*"],
                Include = ["index.html"],
                Prune = false,
                CacheControl = [CacheControl.FromString("no-cache")],
                Distribution = Distribution,
                DistributionPaths = ["/*"],
                MemoryLimit = 512,
            });
            page.Node.AddDependency(assets);
        }

        if (props.PortalBundle is not null || props.DashboardBundle is not null)
        {
            // CDK's upload function reads the asset from the bootstrap bucket and writes every key of the portal bucket.
            var portalBucketId = GetLogicalId((CfnElement)PortalBucket.Node.DefaultChild!);
            Nag.SuppressCdkProvider(this, "CustomCDKBucketDeployment");
            foreach (var finding in new[]
            {
                "Action::s3:GetBucket*", "Action::s3:GetObject*", "Action::s3:List*", "Action::s3:Abort*", "Action::s3:DeleteObject*",
                $"Resource::arn:{Partition}:s3:::cdk-{DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-{Account}-{Region}/*",
                $"Resource::<{portalBucketId}.Arn>/*",
                "Resource::*",
            })
            {
                Nag.SuppressGenerated(this, "CustomCDKBucketDeployment", $"AwsSolutions-IAM5[{finding}]",
                    "CDK's upload function (portal and dashboard): reads the build from the bootstrap asset bucket and writes the portal bucket's objects; " +
                    "'*' is CloudFront's CreateInvalidation/GetInvalidation, which take no resource-level permissions.");
            }
        }

        _ = new Amazon.CDK.AWS.SSM.StringParameter(this, "PortalUrl", new Amazon.CDK.AWS.SSM.StringParameterProps
        {
            ParameterName = ComputeStack.PortalUrlParameterName(stage),
            StringValue = $"https://{stage.DomainName ?? Distribution.DistributionDomainName}",
            Description = "The portal's public URL; the apps put it in customer email links",
        });

        _ = new CfnOutput(this, "DistributionDomainName", new CfnOutputProps
        {
            Value = Distribution.DistributionDomainName,
            Description = "Public URL of the platform (portal at /, API at /api, SignalR at /hubs)",
        });
        _ = new CfnOutput(this, "PortalBucketName", new CfnOutputProps
        {
            Value = PortalBucket.BucketName,
            Description = "The portal's bucket (deploys fill it when -c portalBundle=portal/dist is given)",
        });
        _ = new CfnOutput(this, "DistributionId", new CfnOutputProps
        {
            Value = Distribution.DistributionId,
            Description = "For cache invalidations after a portal upload",
        });
    }
}
