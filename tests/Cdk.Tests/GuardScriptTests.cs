using System.Diagnostics;
using System.Text.Json.Nodes;

namespace BookingAws.Cdk.Tests;

/// <summary>cdk/scripts/guard.mjs on small templates: it reports what the Control Tower rules find and accepts only reasoned acknowledgements.</summary>
public sealed class GuardScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bookingaws-guard-").FullName;

    // The cfn-guard binary and rules come from cdk/'s npm packages; on a fresh clone nothing may have installed them yet.
    private static readonly Lazy<bool> Installed = new(() =>
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("cdk/scripts/npm-ci.sh");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? true : throw new InvalidOperationException("npm ci in cdk/ failed: " + output);
    });

    public GuardScriptTests() => _ = Installed.Value;

    private static JsonObject LogGroup(JsonObject? metadata = null)
    {
        var resource = new JsonObject
        {
            ["Type"] = "AWS::Logs::LogGroup",
            ["Properties"] = new JsonObject { ["RetentionInDays"] = 14 },
        };
        if (metadata is not null)
        {
            resource["Metadata"] = metadata;
        }
        return resource;
    }

    private (int ExitCode, string Output) Guard(JsonObject resource)
    {
        var template = new JsonObject { ["Resources"] = new JsonObject { ["AppLogs"] = resource } };
        File.WriteAllText(Path.Combine(_dir, "Test.template.json"), template.ToJsonString());
        var start = new ProcessStartInfo("node") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("cdk/scripts/guard.mjs");
        start.ArgumentList.Add(_dir);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    [Fact]
    public void An_unencrypted_log_group_fails_with_the_rule_and_the_resource()
    {
        var (exit, output) = Guard(LogGroup());
        Assert.True(exit == 1, output);
        Assert.Contains("FAIL cloudwatch_log_group_encrypted_check CT.CLOUDWATCH.PR.3", output, StringComparison.Ordinal);
        Assert.Contains(": AppLogs]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reasoned_acknowledgement_clears_its_rule_on_its_resource_only()
    {
        var (exit, output) = Guard(LogGroup(new JsonObject
        {
            ["guard"] = new JsonObject
            {
                ["SuppressedRules"] = new JsonArray("cloudwatch_log_group_encrypted_check"),
                ["Reasons"] = new JsonObject { ["cloudwatch_log_group_encrypted_check"] = "Holds no customer data in this test." },
            },
        }));
        Assert.DoesNotContain("cloudwatch_log_group_encrypted_check", output, StringComparison.Ordinal);
        // The retention rule was not acknowledged and still fails.
        Assert.True(exit == 1, output);
        Assert.Contains("FAIL cloudwatch_log_group_retention_period_check", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_acknowledgement_without_a_reason_fails()
    {
        var (exit, output) = Guard(LogGroup(new JsonObject
        {
            ["guard"] = new JsonObject { ["SuppressedRules"] = new JsonArray("cloudwatch_log_group_encrypted_check") },
        }));
        Assert.True(exit == 1, output);
        Assert.Contains("acknowledgement of cloudwatch_log_group_encrypted_check has no reason", output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
