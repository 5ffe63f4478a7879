using System.Diagnostics;
using BookingAws.Shared.Messaging;
using BookingAws.Tests.Common;
using BookingAws.Workers.Tests.Infrastructure;
using NodaTime;

namespace BookingAws.Workers.Tests.Email;

public class KilledWorkerTests
{
    [Fact]
    public async Task A_worker_killed_while_sending_leaves_the_email_to_the_next_worker_which_sends_it_once()
    {
        var queues = await Platform.CreateQueuesAsync(maxReceives: 20);
        var seed = await Platform.SeedAsync();
        var booking = await Platform.AddBookingAsync(seed, Instant.FromUtc(2027, 8, 1, 9, 0));
        var messageId = Guid.NewGuid();
        await Platform.SendAsync(queues.Notifications, new BookingConfirmed(Platform.Snapshot(booking), DateTimeOffset.UtcNow, null, null), messageId);

        await using var ses = new FaultProxy(Platform.SesUrl) { Delay = TimeSpan.FromMinutes(5) };
        using (var first = StartWorker(queues, seed.Tenant.Id, ses.Url))
        {
            await Eventually.TrueAsync(() => Task.FromResult(ses.Received > 0), "the first worker to be sending the email", seconds: 60);
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }

        ses.Delay = TimeSpan.Zero;
        using var second = StartWorker(queues, seed.Tenant.Id, ses.Url);
        try
        {
            await SesStore.WaitForAsync(seed.Customer.Email, 1, seconds: 60);
            await Eventually.TrueAsync(
                async () => await Platform.ScalarAsync("SELECT count(*) FROM inbox_messages WHERE message_id = $1", messageId) == 1,
                "the second worker to finish the message");
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }

        Assert.Single(await SesStore.EmailsToAsync(seed.Customer.Email));
        Assert.Equal(1, await Platform.ScalarAsync("SELECT count(*) FROM email_deliveries WHERE message_id = $1", messageId));
    }

    private static Process StartWorker(TestQueues queues, Guid tenantId, string sesUrl)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "BookingAws.Workers.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in WorkerHost.Settings(queues, tenantId, sesUrl: sesUrl))
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment["Workers__Relay__Enabled"] = "false";
        info.Environment["Workers__Consumers__Queues__0"] = "notifications";
        info.Environment["Ses__Timeout"] = "00:05:00";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["AWS_ACCESS_KEY_ID"] = "local";
        info.Environment["AWS_SECRET_ACCESS_KEY"] = "local";
        var process = Process.Start(info)!;

        // Drain the logs so a full pipe never blocks the worker.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
