using System.Text.Json.Nodes;

namespace BookingAws.Cdk.Tests;

/// <summary>boot.sh in dry-run mode under a temporary root: files it writes are real, machine changes are printed.</summary>
public sealed class BootScriptTests : IDisposable
{
    private readonly InstanceFolder _instance = new();

    private (Boot.Result Result, string[] Steps) BootService(string service, string executable, params string[] extra)
    {
        _instance.WriteSources(service);
        var result = Boot.Run("bash",
            [Path.Combine(Boot.Folder, "boot.sh"), service, "--executable", executable, "--bundle", "s3://assets/bundle.zip", .. extra],
            new Dictionary<string, string> { ["BOOKINGAWS_ROOT"] = _instance.Root, ["BOOKINGAWS_DRY_RUN"] = "1" });
        Assert.True(result.ExitCode == 0, result.ToString());
        return (result, result.Output.Split('\n').Where(l => l.StartsWith("dry-run:", StringComparison.Ordinal)).ToArray());
    }

    private string Written(string relative) => File.ReadAllText(Path.Combine(_instance.Root, relative));

    [Fact]
    public void The_api_migrates_before_its_service_is_enabled()
    {
        var (_, steps) = BootService("api", "BookingAws.Api", "--readiness-url", "http://127.0.0.1:5080/health/ready", "--migrate");
        var migrate = Array.FindIndex(steps, s => s.Contains("migrate.sh api", StringComparison.Ordinal));
        var enable = Array.FindIndex(steps, s => s.Contains("systemctl enable --now bookingaws-api.service", StringComparison.Ordinal));
        Assert.True(migrate >= 0, string.Join('\n', steps));
        Assert.True(enable > migrate, string.Join('\n', steps));
        Assert.EndsWith("/opt/bookingaws/api/BookingAws.Api", steps[migrate], StringComparison.Ordinal);
        Assert.Contains("wait for http://127.0.0.1:5080/health/ready", steps[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Workers_do_not_migrate()
    {
        var (_, steps) = BootService("workers", "BookingAws.Workers");
        Assert.DoesNotContain(steps, s => s.Contains("migrate", StringComparison.Ordinal));
        Assert.Contains(steps, s => s.Contains("systemctl enable --now bookingaws-workers.service bookingaws-workers-env.timer", StringComparison.Ordinal));
    }

    [Fact]
    public void The_bundle_is_fetched_from_s3_in_the_instance_region_and_unpacked_into_the_service_home()
    {
        var (_, steps) = BootService("workers", "BookingAws.Workers");
        Assert.Contains(steps, s => s.StartsWith("dry-run: aws s3 cp", StringComparison.Ordinal) && s.Contains("--region eu-west-1 s3://assets/bundle.zip", StringComparison.Ordinal));
        Assert.Contains(steps, s => s.StartsWith("dry-run: unzip", StringComparison.Ordinal) && s.EndsWith($"-d {_instance.Root}/opt/bookingaws/workers", StringComparison.Ordinal));
    }

    [Fact]
    public void Units_are_filled_in_for_the_service_with_the_renderer_before_each_start()
    {
        BootService("api", "BookingAws.Api", "--migrate");
        var unit = Written("etc/systemd/system/bookingaws-api.service");
        Assert.DoesNotContain("@", unit, StringComparison.Ordinal);
        Assert.Contains($"ExecStart={_instance.Root}/opt/bookingaws/api/BookingAws.Api\n", unit, StringComparison.Ordinal);
        Assert.Contains($"ExecStartPre=+{_instance.Root}/usr/local/bin/bookingaws-render-env api\n", unit, StringComparison.Ordinal);
        Assert.Contains($"EnvironmentFile=-{_instance.Root}/etc/bookingaws/api.env\n", unit, StringComparison.Ordinal);
        Assert.Contains("render-env api --restart-on-change", Written("etc/systemd/system/bookingaws-api-env.service"), StringComparison.Ordinal);
        Assert.Contains("OnCalendar=hourly", Written("etc/systemd/system/bookingaws-api-env.timer"), StringComparison.Ordinal);
        Assert.StartsWith($"{_instance.Root}/var/log/bookingaws/api.log {{", Written("etc/logrotate.d/bookingaws-api"), StringComparison.Ordinal);
        Assert.True(Boot.Mode(Path.Combine(_instance.Root, "usr/local/bin/bookingaws-render-env")).HasFlag(UnixFileMode.UserExecute));
    }

    [Fact]
    public void The_agent_ships_the_service_log_to_the_stack_log_group_in_the_instance_region()
    {
        BootService("workers", "BookingAws.Workers");
        var config = JsonNode.Parse(Written("opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json"))!;
        Assert.Equal("eu-west-1", config["agent"]!["region"]!.ToString());
        var file = config["logs"]!["logs_collected"]!["files"]!["collect_list"]![0]!;
        Assert.Equal($"{_instance.Root}/var/log/bookingaws/workers.log", file["file_path"]!.ToString());
        Assert.Equal("BookingAws-dev-workers-logs", file["log_group_name"]!.ToString());
    }

    public void Dispose() => _instance.Dispose();
}
