using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BookingAws.Workers.Tests.Infrastructure;

/// <summary>The workers' real registration (<c>AddWorkerServices</c>) in this process, pointed at a test's own queues
/// and tenant, with short timings.</summary>
public sealed class WorkerHost : IAsyncDisposable
{
    private WorkerHost(IHost host) => Host = host;

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public const string LinkKey = "workers-tests-link-signing-key-0123456789";

    public static Dictionary<string, string?> Settings(TestQueues queues, Guid tenantId, string? sesUrl = null, string? sqsUrl = null) => new()
    {
        ["ConnectionStrings:Primary"] = Platform.Primary,
        ["ConnectionStrings:Replica"] = Platform.Replica,
        ["Sqs:ServiceUrl"] = sqsUrl ?? Platform.SqsUrl,
        ["Sqs:Queues:Notifications"] = queues.Notifications,
        ["Sqs:Queues:Analytics"] = queues.Analytics,
        ["Sqs:Queues:Payments"] = queues.Payments,
        ["Sqs:Queues:Availability"] = queues.Availability,
        ["Sqs:Queues:EmailEvents"] = queues.EmailEvents,
        ["Sqs:Queues:Webhooks"] = queues.Webhooks,
        ["Webhooks:TenantId"] = tenantId.ToString(),
        ["Ses:ServiceUrl"] = sesUrl ?? Platform.SesUrl,
        ["Ses:Region"] = "us-east-1",
        ["Ses:FromAddress"] = "bookings@bookingaws.local",
        ["Ses:Timeout"] = "00:00:04",
        ["Stripe:ApiKey"] = "sk_test_local",
        ["Links:SigningKey"] = LinkKey,
        ["Links:PortalBaseUrl"] = "https://portal.example.test",
        ["Stripe:ApiBase"] = Environment.GetEnvironmentVariable("Stripe__ApiBase") ?? "http://127.0.0.1:58012",
        ["PaymentReconciliation:TimerEnabled"] = "false",
        ["BookingSweep:Interval"] = "01:00:00",
        ["Workers:Relay:TenantId"] = tenantId.ToString(),
        ["Workers:Relay:PollInterval"] = "00:00:00.200",
        ["Workers:Relay:BaseBackoff"] = "00:00:00.200",
        ["Workers:Relay:MaxBackoff"] = "00:00:01",
        ["Workers:Consumers:WaitTimeSeconds"] = "1",
        ["Workers:Consumers:VisibilityTimeoutSeconds"] = "6",
        ["Workers:Consumers:RetryBaseDelaySeconds"] = "1",
        ["Workers:Consumers:RetryMaxDelaySeconds"] = "2",
        ["Workers:Consumers:ShutdownGrace"] = "00:00:05",
        ["Workers:Reminders:LocalTimerEnabled"] = "false",
        ["Workers:Receipts:TaxRatePercent"] = "20",
    };

    /// <param name="services">Replaces registrations before the workers' own (which are added only when missing), e.g. a fake webhook clock.</param>
    public static async Task<WorkerHost> StartAsync(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "local");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "local");
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        services?.Invoke(builder.Services);
        builder.AddWorkerServices();
        var host = builder.Build();
        await host.StartAsync();
        return new WorkerHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}
