extern alias workers;

using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BookingAws.Tests.Common;

/// <summary>
/// The workers' real registration in the test process, against the same servers as the API under test, with queues
/// of their own (so no other test's events reach them), relaying only one business's outbox and consuming only the
/// logical queues named. Linked into the test projects that follow a change through the workers.
/// </summary>
public static class InProcessWorkers
{
    private static readonly string[] Concerns = ["Notifications", "Analytics", "Payments", "Availability", "Webhooks"];

    /// <param name="api">The API's configuration: its connection strings and link key are the workers' too.</param>
    /// <param name="tenantId">The business whose outbox (and webhook deliveries) these workers handle.</param>
    /// <param name="prefix">Names the private queues (<c>{prefix}-{suffix}-{concern}</c>).</param>
    /// <param name="consumed">Logical queue names to consume (<c>notifications</c>, <c>webhooks</c>…).</param>
    /// <param name="extra">Settings of the test's own, over the defaults.</param>
    public static async Task<IHost> StartAsync(
        IConfiguration api, Guid tenantId, string prefix, IReadOnlyList<string> consumed, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var sqsUrl = Environment.GetEnvironmentVariable("Sqs__ServiceUrl") ?? "http://127.0.0.1:59324";
        var suffix = Guid.NewGuid().ToString("N")[..10];
        using var sqs = new AmazonSQSClient(new BasicAWSCredentials("local", "local"), new AmazonSQSConfig { AuthenticationRegion = "us-east-1", ServiceURL = sqsUrl });
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Primary"] = api.GetConnectionString("Primary"),
            ["ConnectionStrings:Replica"] = api.GetConnectionString("Replica"),
            ["ConnectionStrings:Redis"] = api.GetConnectionString("Redis"),
            ["Sqs:ServiceUrl"] = sqsUrl,
            ["Ses:ServiceUrl"] = Environment.GetEnvironmentVariable("Ses__ServiceUrl") ?? "http://127.0.0.1:58005",
            ["Ses:Region"] = "us-east-1",
            ["Ses:FromAddress"] = "bookings@bookingaws.local",
            ["Stripe:ApiKey"] = "sk_test_local",
            ["Links:SigningKey"] = api["Links:SigningKey"],
            ["Links:PortalBaseUrl"] = "https://bookings.example.test",
            ["PaymentReconciliation:TimerEnabled"] = "false",
            ["BookingSweep:Interval"] = "01:00:00",
            ["Workers:Relay:TenantId"] = tenantId.ToString(),
            ["Workers:Relay:PollInterval"] = "00:00:00.200",
            ["Workers:Consumers:WaitTimeSeconds"] = "1",
            ["Workers:Reminders:LocalTimerEnabled"] = "false",
            ["Webhooks:TenantId"] = tenantId.ToString(),
            ["Webhooks:PollInterval"] = "00:00:00.200",
        };
        for (var i = 0; i < consumed.Count; i++)
        {
            settings[$"Workers:Consumers:Queues:{i}"] = consumed[i];
        }

        foreach (var concern in Concerns)
        {
            var name = $"{prefix}-{suffix}-{concern.ToLowerInvariant()}";
            await sqs.CreateQueueAsync($"{name}-dlq");
            await sqs.CreateQueueAsync(name);
            settings[$"Sqs:Queues:{concern}"] = name;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "local");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "local");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        workers::BookingAws.Workers.WorkerServiceCollectionExtensions.AddWorkerServices(builder);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
