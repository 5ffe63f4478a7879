using System.Diagnostics;
using System.Text.Json.Nodes;

namespace BookingAws.Cdk.Tests;

/// <summary>Runs what `./platform synth` runs (the CLI, offline) for both stages, then cdk-nag over the output.</summary>
public sealed class CliSynthFixture
{
    public CliSynthFixture()
    {
        // Prod with portal and dashboard builds, so the checks also cover the uploads a deploy with them does; dev without.
        Dev = Run("bash", "cdk/scripts/synth.sh", "dev");
        Prod = Run("bash", [
            "cdk/scripts/synth.sh", "prod", "-c", $"portalBundle={PortalBundle.Folder}", "-c", $"dashboardBundle={PortalBundle.Folder}",
            .. ProdPlatform.RequiredContext.SelectMany(c => new[] { "-c", $"{c.Key}={c.Value}" })]);
        Nag = Run("node", "cdk/scripts/nag.mjs", "cdk.out/dev", "cdk.out/prod");
        Guard = Run("node", "cdk/scripts/guard.mjs", "cdk.out/dev", "cdk.out/prod");
    }

    public Result Dev { get; }
    public Result Prod { get; }
    public Result Nag { get; }
    public Result Guard { get; }

    public static int TemplateCount(string stage) =>
        Directory.GetFiles(Path.Combine(RepoPaths.Root, "cdk.out", stage), "*.template.json").Length;

    private static Result Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // The in-process fixtures set no AWS environment; keep the CLI offline whatever the caller's shell has.
        start.Environment.Remove("CDK_DEFAULT_ACCOUNT");
        start.Environment.Remove("CDK_DEFAULT_REGION");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new Result(process.ExitCode, stdout + stderr.Result);
    }

    public sealed record Result(int ExitCode, string Output);
}

public sealed class SynthAndNagTests(CliSynthFixture cli) : IClassFixture<CliSynthFixture>
{
    [Fact]
    public void Dev_synthesizes_offline_into_ten_templates()
    {
        Assert.True(cli.Dev.ExitCode == 0, cli.Dev.Output);
        Assert.Equal(10, CliSynthFixture.TemplateCount("dev"));
    }

    [Fact]
    public void Prod_synthesizes_offline_into_ten_templates()
    {
        Assert.True(cli.Prod.ExitCode == 0, cli.Prod.Output);
        Assert.Equal(10, CliSynthFixture.TemplateCount("prod"));
    }

    [Fact]
    public void No_synthesized_template_deploys_a_runtime_that_lambda_deprecates_within_a_year()
    {
        // The CLI output also holds what the in-process fixtures lack, such as the portal upload (Python).
        Assert.True(cli.Prod.ExitCode == 0, cli.Prod.Output);
        var files = new[] { "dev", "prod" }
            .SelectMany(stage => Directory.GetFiles(Path.Combine(RepoPaths.Root, "cdk.out", stage), "*.template.json"))
            .ToList();
        Assert.Equal(20, files.Count);
        var problems = files
            .SelectMany(f => LambdaRuntimeSupport.Problems(Path.GetFileName(f), JsonNode.Parse(File.ReadAllText(f))!, LambdaRuntimeSupport.Today))
            .ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.Contains(files, f => File.ReadAllText(f).Contains("\"python3.12\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Cdk_nag_aws_solutions_finds_no_unacknowledged_error()
    {
        Assert.True(cli.Nag.ExitCode == 0, cli.Nag.Output);
        Assert.Contains("20 templates, 0 unacknowledged errors", cli.Nag.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_tower_proactive_controls_find_nothing_unacknowledged_in_any_template()
    {
        Assert.True(cli.Guard.ExitCode == 0, cli.Guard.Output);
        Assert.Contains("20 templates, 0 unacknowledged findings", cli.Guard.Output, StringComparison.Ordinal);
    }
}
