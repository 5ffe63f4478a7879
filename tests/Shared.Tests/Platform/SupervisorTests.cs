using System.Diagnostics;

namespace BookingAws.Shared.Tests.Platform;

/// <summary>
/// `./platform up` supervises what it starts: the supervision functions of the platform scripts run against a
/// stand-in service (tools/local/tests/supervisor-test.sh) that is killed, fails to start, and is stopped.
/// </summary>
public sealed class SupervisorTests
{
    [Fact]
    public async Task A_killed_child_is_restarted_and_logged_a_failed_start_backs_off_and_platform_down_ends_supervision()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "BookingAws.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var start = new ProcessStartInfo("bash", [Path.Combine(root.FullName, "tools", "local", "tests", "supervisor-test.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);

        var text = await output + await errors;
        Assert.True(process.ExitCode == 0, text);
        Assert.Contains("supervisor: 11 checks, 0 failed", text, StringComparison.Ordinal);
    }
}
