namespace BookingAws.Cdk;

/// <summary>Everything that differs between stages, in one place so a reviewer can diff dev against prod.</summary>
public sealed record StageConfig
{
    public required string Name { get; init; }

    // Network
    public required int MaxAzs { get; init; }
    public required int NatGateways { get; init; }

    // Data
    public required string DbInstanceType { get; init; }
    public required int DbReaders { get; init; }
    public required int DbBackupDays { get; init; }
    public required string CacheNodeType { get; init; }
    public required int CacheReplicas { get; init; }
    public required int CacheSnapshotDays { get; init; }

    /// <summary>
    /// Memory of <see cref="CacheNodeType"/> in GiB. Redis may use <c>maxmemory</c> = this less
    /// <see cref="CacheReservedMemoryPercent"/> (kept for the fork of a snapshot or a replica's full sync, and
    /// for fragmentation).
    /// </summary>
    public required double CacheNodeMemoryGiB { get; init; }

    /// <summary>ElastiCache's <c>reserved-memory-percent</c>: 25 by default, 50 on micro nodes (AWS: they swap otherwise).</summary>
    public required int CacheReservedMemoryPercent { get; init; }

    /// <summary>
    /// Output-buffer limits of a pub/sub client (<see cref="CacheSubscribersMax"/>: the SignalR backplane and the
    /// cache invalidations). Past the hard limit, or above the soft limit for the soft seconds, Redis disconnects the
    /// subscriber and that instance's pushes stop until it resubscribes. Worst case, every subscriber at its hard
    /// limit, is <see cref="CacheSubscribersMax"/> × the hard limit of <c>maxmemory</c>.
    /// </summary>
    public required int CachePubSubHardLimitMiB { get; init; }

    public required int CachePubSubSoftLimitMiB { get; init; }
    public required int CachePubSubSoftSeconds { get; init; }

    /// <summary>
    /// Read-cache data the stage is planned for, in GiB (README, "Cache sizing"): availability ~50 KB per month of a
    /// package, plus tenants, catalogues, rate-limit windows and read-your-writes markers.
    /// </summary>
    public required double CachePlannedDataGiB { get; init; }

    /// <summary>
    /// Pub/sub connections at most: two per API and worker process of a full fleet (the SignalR backplane's own
    /// connection, and the app's, which carries the read cache's invalidations).
    /// </summary>
    public int CacheSubscribersMax => 2 * (ApiMax + WorkerMax);

    /// <summary>What Redis may hold, in GiB, once the reserve is set aside.</summary>
    public double CacheMaxMemoryGiB => CacheNodeMemoryGiB * (100 - CacheReservedMemoryPercent) / 100.0;

    /// <summary>Prod keeps data when a stack is deleted and refuses accidental deletes.</summary>
    public required bool Protect { get; init; }

    // Compute (Graviton by default: same app, roughly 20% cheaper per vCPU).
    public required string ApiInstanceType { get; init; }
    public required int ApiMin { get; init; }
    public required int ApiMax { get; init; }
    public required int ApiNightMin { get; init; }
    public required string WorkerInstanceType { get; init; }
    public required int WorkerMin { get; init; }
    public required int WorkerMax { get; init; }

    /// <summary>Messages one worker instance can drain comfortably; the backlog target per instance.</summary>
    public required int WorkerBacklogPerInstance { get; init; }

    public required int AppPort { get; init; }
    public required int RequestsPerTargetPerMinute { get; init; }

    // Observability
    public required int LogRetentionDays { get; init; }

    /// <summary>
    /// Share of non-error traces kept (0-1), passed to the apps as <c>Tracing__SampleRatio</c>; the apps keep every
    /// error trace whatever the ratio. Prod keeps 5%: X-Ray bills per trace recorded and scanned.
    /// </summary>
    public required double TracingSampleRatio { get; init; }

    /// <summary>Aurora's max_connections on the stage's instance class (LEAST(memory/9531392, 5000)).</summary>
    public required int DbMaxConnections { get; init; }

    /// <summary>Memory of the stage's Aurora instance class, in GiB, for the freeable-memory alarm.</summary>
    public required double DbMemoryGiB { get; init; }

    // Optional, from context: an HTTPS listener needs a certificate and a DNS name that matches it.
    public string? CertificateArn { get; init; }
    public string? OriginDomainName { get; init; }

    /// <summary>The public name viewers use (context <c>domainName</c>); CloudFront serves it with <see cref="EdgeCertificateArn"/>.</summary>
    public string? DomainName { get; init; }

    /// <summary>An ACM certificate in us-east-1 covering <see cref="DomainName"/> (context <c>edgeCertificateArn</c>).</summary>
    public string? EdgeCertificateArn { get; init; }
    public string? AlarmEmail { get; init; }

    // Email (SES). Prod must name a domain it controls; dev falls back to a placeholder that never verifies.
    public const string DevPlaceholderEmailDomain = "dev.bookingaws.example";

    /// <summary>The SES domain identity (context <c>emailDomain</c>); its DKIM records go into that domain's DNS.</summary>
    public string EmailDomain { get; init; } = DevPlaceholderEmailDomain;

    /// <summary>Sender of every email (context <c>emailFrom</c>); defaults to <c>bookings@</c> the email domain.</summary>
    public string EmailFrom => EmailFromOverride ?? $"bookings@{EmailDomain}";

    public string? EmailFromOverride { get; init; }

    /// <summary>
    /// Context <c>emailVerified=true</c>, set once SES reports the domain verified (after the DKIM records are
    /// published): Cognito then sends through SES and offers email one-time codes. Cognito refuses an
    /// unverified SES identity, so a first deploy into an empty account leaves this off.
    /// </summary>
    public bool EmailVerified { get; init; }

    public static StageConfig Dev { get; } = new()
    {
        Name = "dev",
        MaxAzs = 2,
        NatGateways = 1,
        DbInstanceType = "t4g.medium",
        DbReaders = 1,
        DbBackupDays = 1,
        CacheNodeType = "cache.t4g.micro",
        CacheReplicas = 0,
        CacheSnapshotDays = 1,
        CacheNodeMemoryGiB = 0.5,
        CacheReservedMemoryPercent = 50,
        // A few demo businesses: 20 packages three months ahead is 3 MB; 10 MB with everything else.
        CachePlannedDataGiB = 0.01,
        // 8 subscribers × 8 MiB is a quarter of the ~0.25 GiB dev may hold; dev traffic never queues much.
        CachePubSubHardLimitMiB = 8,
        CachePubSubSoftLimitMiB = 2,
        CachePubSubSoftSeconds = 60,
        Protect = false,
        ApiInstanceType = "t4g.small",
        ApiMin = 1,
        ApiMax = 2,
        ApiNightMin = 1,
        WorkerInstanceType = "t4g.small",
        WorkerMin = 1,
        WorkerMax = 2,
        WorkerBacklogPerInstance = 100,
        AppPort = 5080,
        RequestsPerTargetPerMinute = 1000,
        LogRetentionDays = 14,
        TracingSampleRatio = 1.0,
        DbMaxConnections = 450,
        DbMemoryGiB = 4,
    };

    public static StageConfig Prod { get; } = new()
    {
        Name = "prod",
        MaxAzs = 3,
        NatGateways = 3,
        DbInstanceType = "r7g.large",
        DbReaders = 2,
        DbBackupDays = 14,
        // Sizing (README, "Cache sizing"): month availability ~50 KB per package, so 5,000 packages browsed three
        // months ahead is ~0.75 GB; tenants, catalogues, rate-limit windows and read-your-writes markers add under
        // 0.1 GB; pub/sub buffers are bounded by the limits below (44 subscribers × 64 MiB = 2.75 GiB at worst).
        // About 3.6 GiB at worst against ~9.8 GiB of maxmemory: room to grow, and the memory alarm says when not.
        CacheNodeType = "cache.r7g.large",
        CacheReplicas = 2,
        CacheSnapshotDays = 7,
        CacheNodeMemoryGiB = 13.07,
        CacheReservedMemoryPercent = 25,
        CachePlannedDataGiB = 0.85,
        // Twice ElastiCache's 32/8 MiB: a backplane subscriber is a whole API instance, and cutting it for a
        // few seconds' GC pause under a push burst costs every watcher on it their live updates.
        CachePubSubHardLimitMiB = 64,
        CachePubSubSoftLimitMiB = 16,
        CachePubSubSoftSeconds = 60,
        Protect = true,
        ApiInstanceType = "c7g.large",
        ApiMin = 3,
        ApiMax = 12,
        ApiNightMin = 2,
        WorkerInstanceType = "t4g.medium",
        WorkerMin = 2,
        WorkerMax = 10,
        WorkerBacklogPerInstance = 200,
        AppPort = 5080,
        RequestsPerTargetPerMinute = 3000,
        LogRetentionDays = 90,
        TracingSampleRatio = 0.05,
        DbMaxConnections = 1800,
        DbMemoryGiB = 16,
    };

    /// <summary>Picks the stage by name and layers the optional context values over it.</summary>
    public static StageConfig From(Func<string, string?> context)
    {
        var name = context("stage") ?? "dev";
        var stage = name switch
        {
            "dev" => Dev,
            "prod" => Prod,
            _ => throw new ArgumentException($"Unknown stage '{name}': use -c stage=dev or -c stage=prod."),
        };
        stage = stage with
        {
            CertificateArn = NullIfEmpty(context("certificateArn")),
            OriginDomainName = NullIfEmpty(context("originDomainName")),
            DomainName = NullIfEmpty(context("domainName"))?.ToLowerInvariant(),
            EdgeCertificateArn = NullIfEmpty(context("edgeCertificateArn")),
            AlarmEmail = NullIfEmpty(context("alarmEmail")),
            EmailDomain = NullIfEmpty(context("emailDomain"))?.ToLowerInvariant() ?? DevPlaceholderEmailDomain,
            EmailFromOverride = NullIfEmpty(context("emailFrom")),
            EmailVerified = string.Equals(context("emailVerified"), "true", StringComparison.OrdinalIgnoreCase),
        };
        if (name == "prod" && NullIfEmpty(context("emailDomain")) is null)
        {
            // Customers must receive mail from a domain the business owns; a placeholder would fail silently.
            throw new ArgumentException("prod needs -c emailDomain=<a domain you control> (SES verifies it with the DKIM records printed as stack outputs).");
        }
        if (stage.EmailFromOverride is { } from && !from.EndsWith("@" + stage.EmailDomain, StringComparison.OrdinalIgnoreCase))
        {
            // SES only sends from addresses of a verified identity, and the only identity here is the domain.
            throw new ArgumentException($"emailFrom '{from}' must be an address at emailDomain '{stage.EmailDomain}'.");
        }
        if (name == "prod" && (stage.DomainName is null || stage.EdgeCertificateArn is null || stage.CertificateArn is null))
        {
            // Without them CloudFront serves *.cloudfront.net (TLS 1.0 allowed) and reaches the ALB over plain HTTP
            // carrying the origin secret: prod never runs that way.
            throw new ArgumentException(
                "prod needs -c domainName=<public name> -c edgeCertificateArn=<us-east-1 ACM certificate for it> " +
                "-c certificateArn=<regional ACM certificate> -c originDomainName=<name on it pointing at the ALB>.");
        }
        if ((stage.DomainName is null) != (stage.EdgeCertificateArn is null))
        {
            throw new ArgumentException("domainName and edgeCertificateArn go together: CloudFront serves a custom name only with a certificate for it.");
        }
        if (stage.EdgeCertificateArn is { } edge && !edge.StartsWith("arn:aws:acm:us-east-1:", StringComparison.Ordinal))
        {
            throw new ArgumentException($"edgeCertificateArn '{edge}' must be an ACM certificate in us-east-1 (CloudFront reads certificates only there).");
        }
        if (stage.CertificateArn is not null && stage.OriginDomainName is null)
        {
            // CloudFront must reach the ALB by a name the certificate covers, or HTTPS to the origin fails.
            throw new ArgumentException("certificateArn needs originDomainName (a DNS name on the certificate pointing at the ALB).");
        }
        return stage;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
