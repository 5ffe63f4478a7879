using System.Diagnostics;
using System.Text.Json;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Tests.Infrastructure;

namespace BookingAws.Workers.Tests.Email;

/// <summary>The local platform's queue script creates the email-events queue, with its DLQ, under the name the workers use by default.</summary>
public class LocalEmailEventsQueueTests
{
    [Fact]
    public async Task Create_queues_script_makes_the_email_events_queue_the_workers_expect_with_its_DLQ()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "BookingAws.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var start = new ProcessStartInfo("node", Path.Combine(root.FullName, "tools", "local", "create-queues.mjs"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Sqs__ServiceUrl"] = Platform.SqsUrl;
        start.Environment["BOOKINGAWS_SQS_MAX_RECEIVE_COUNT"] = "5";
        start.Environment.Remove("BOOKINGAWS_SQS_CONCERNS");
        using var script = Process.Start(start)!;
        var output = await script.StandardOutput.ReadToEndAsync();
        var errors = await script.StandardError.ReadToEndAsync();
        await script.WaitForExitAsync();
        Assert.True(script.ExitCode == 0, $"create-queues.mjs failed: {errors}");

        var name = new QueueNames()[MessageTopology.EmailEvents];
        Assert.Equal("bookingaws-email-events", name);
        Assert.Contains($"{name} -> {name}-dlq", output, StringComparison.Ordinal);
        var url = await Platform.QueueUrlAsync(name);
        var dlqArn = (await Platform.Sqs.GetQueueAttributesAsync(await Platform.QueueUrlAsync(name + "-dlq"), ["QueueArn"])).QueueARN;
        var redrive = (await Platform.Sqs.GetQueueAttributesAsync(url, ["RedrivePolicy"])).Attributes["RedrivePolicy"];
        using var policy = JsonDocument.Parse(redrive);
        Assert.Equal(dlqArn, policy.RootElement.GetProperty("deadLetterTargetArn").GetString());
    }
}
