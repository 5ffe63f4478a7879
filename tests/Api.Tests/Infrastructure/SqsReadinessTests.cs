using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;

namespace BookingAws.Api.Tests.Infrastructure;

/// <summary>The API with its notifications queue named as configured, to see what the SQS check reports.</summary>
public sealed class ApiWithNotificationsQueue(string queue) : ApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Sqs:Queues:Notifications", queue);
    }
}

/// <summary>The SQS readiness check reads a configured queue's depth (GetQueueAttributes), which the roles are granted.</summary>
public sealed class SqsReadinessTests
{
    [Fact]
    public async Task The_sqs_check_is_healthy_when_the_configured_queue_answers()
    {
        await using var api = new ApiWithNotificationsQueue("bookingaws-notifications");

        var sqs = await SqsCheckAsync(api);

        Assert.Equal("Healthy", sqs.GetProperty("status").GetString());
        Assert.Contains("waiting on bookingaws-notifications", sqs.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sqs_check_is_degraded_when_the_configured_queue_cannot_be_read()
    {
        await using var api = new ApiWithNotificationsQueue($"missing-{Guid.NewGuid():N}");

        var sqs = await SqsCheckAsync(api);

        Assert.Equal("Degraded", sqs.GetProperty("status").GetString());
        Assert.Contains("not readable", sqs.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> SqsCheckAsync(ApiFactory api)
    {
        var ready = await api.CreateClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        return JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").GetProperty("sqs").Clone();
    }
}
