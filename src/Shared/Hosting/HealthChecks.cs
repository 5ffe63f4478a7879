using Amazon.SQS;
using Amazon.SQS.Model;
using BookingAws.Shared.Data;
using BookingAws.Shared.Messaging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace BookingAws.Shared.Hosting;

public static class HealthTags
{
    /// <summary>Checks that gate traffic: the load balancer only routes to instances that pass them.</summary>
    public const string Ready = "ready";
}

internal sealed class PostgresHealthCheck(IServiceProvider services, string key) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var source = services.GetRequiredKeyedService<NpgsqlDataSource>(key);
            await using var cmd = source.CreateCommand("SELECT pg_is_in_recovery()");
            var inRecovery = (bool)(await cmd.ExecuteScalarAsync(cancellationToken))!;

            // The read source prefers a standby and falls back to the primary: answered by a primary, the replica is gone.
            var wantsStandby = new NpgsqlConnectionStringBuilder(source.ConnectionString).TargetSessionAttributes == "prefer-standby";
            return wantsStandby && !inRecovery
                ? new HealthCheckResult(context.Registration.FailureStatus, "replica unreachable: reads are served by the primary")
                : HealthCheckResult.Healthy(inRecovery ? "replica" : "primary");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{key} database unreachable", ex);
        }
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // PING does not observe the check's timeout; a Redis that hangs (rather than refuses) would hold the
            // readiness answer past the load balancer's own timeout and take every instance out at once.
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "redis unreachable", ex);
        }
    }
}

/// <summary>
/// Reads one configured queue's depth: the roles are granted sqs:GetQueueAttributes (and GetQueueUrl) on their
/// queues but not sqs:ListQueues, so this is the cheapest call that proves both reachability and permission.
/// </summary>
internal sealed class SqsHealthCheck(IAmazonSQS sqs, IOptions<SqsOptions> options) : IHealthCheck
{
    private volatile string? queueUrl;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var queue = options.Value.Queues[MessageTopology.Notifications];
        try
        {
            queueUrl ??= queue.StartsWith("http", StringComparison.OrdinalIgnoreCase)
                ? queue
                : (await sqs.GetQueueUrlAsync(queue, cancellationToken)).QueueUrl;
            var attributes = await sqs.GetQueueAttributesAsync(
                new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = [QueueAttributeName.ApproximateNumberOfMessages] },
                cancellationToken);
            return HealthCheckResult.Healthy($"{attributes.ApproximateNumberOfMessages} message(s) waiting on {queue}");
        }
        catch (Exception ex) when (ex is AmazonSQSException or HttpRequestException or OperationCanceledException or Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"sqs unreachable or queue {queue} not readable", ex);
        }
    }
}

public static class HealthCheckExtensions
{
    /// <summary>
    /// Only the primary and its schema decide readiness: without them nothing can be booked. A lost replica (reads fall
    /// back to the primary), Redis (read-your-writes falls back to the primary) or SQS (the outbox keeps
    /// events until it returns) degrades one feature, and the check reports Degraded (still 200) rather
    /// than letting the load balancer pull every instance at once.
    /// </summary>
    public static IHealthChecksBuilder AddBookingReadinessChecks(this IHealthChecksBuilder checks)
    {
        // The whole answer must come well inside the load balancer's check timeout (5 s on the ALB) even when a
        // dependency hangs: the checks run in parallel, the ones that only degrade give up after one second.
        var timeout = TimeSpan.FromSeconds(3);
        var degradedTimeout = TimeSpan.FromSeconds(1);
        checks.Services.AddSingleton<SchemaHealthCheck>();
        checks.Services.AddSingleton<SqsHealthCheck>();
        return checks
            .AddTypeActivatedCheck<PostgresHealthCheck>("primary", HealthStatus.Unhealthy, [HealthTags.Ready], timeout, DataSources.Primary)
            .Add(new HealthCheckRegistration("schema", sp => sp.GetRequiredService<SchemaHealthCheck>(), HealthStatus.Unhealthy, [HealthTags.Ready], timeout))
            .AddTypeActivatedCheck<PostgresHealthCheck>("replica", HealthStatus.Degraded, [HealthTags.Ready], degradedTimeout, DataSources.Replica)
            .AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded, [HealthTags.Ready], degradedTimeout)
            .Add(new HealthCheckRegistration("sqs", sp => sp.GetRequiredService<SqsHealthCheck>(), HealthStatus.Degraded, [HealthTags.Ready], degradedTimeout));
    }

    /// <summary>Writes each check's status, so on-call sees which dependency is degraded.</summary>
    public static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }
}

public static class RedisServiceCollectionExtensions
{
    /// <summary>One multiplexer per process. abortConnect=false: the host starts and serves without
    /// Redis; features that need it degrade and the ready check reports it.</summary>
    public static IServiceCollection AddRedis(this IServiceCollection services, string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 2000;
        options.AsyncTimeout = 2000;
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        return services;
    }
}
