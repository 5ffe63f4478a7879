using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BookingAws.Cdk.Tests;

/// <summary>The boot files are checked as files of their own language: shellcheck, JSON, systemd units.</summary>
public sealed partial class BootFilesTests
{
    /// <summary>Every shell script of the boot folder, the rehearsal and the CDK scripts (by extension or shebang).</summary>
    public static IEnumerable<string> ShellScripts() =>
        new[] { Boot.Folder, Path.Combine(RepoPaths.Root, "tools", "rehearse"), Path.Combine(RepoPaths.Root, "cdk", "scripts") }
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".sh", StringComparison.Ordinal) || IsBashShebang(f))
            .Order(StringComparer.Ordinal);

    private static bool IsBashShebang(string file)
    {
        using var reader = new StreamReader(file);
        var first = reader.ReadLine() ?? "";
        return first.StartsWith("#!", StringComparison.Ordinal) && first.Contains("bash", StringComparison.Ordinal);
    }

    [Fact]
    public void Every_shell_script_passes_shellcheck()
    {
        var scripts = ShellScripts().ToList();
        Assert.Contains(scripts, s => s.EndsWith("render-env", StringComparison.Ordinal));
        Assert.Contains(scripts, s => s.EndsWith("boot.sh", StringComparison.Ordinal));
        Boot.Result result;
        try
        {
            result = Boot.Run("shellcheck", ["-x", "--", .. scripts.Select(s => Path.GetRelativePath(RepoPaths.Root, s))]);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail("shellcheck is not installed (Debian package shellcheck; ./platform installs it)");
            return;
        }
        Assert.True(result.ExitCode == 0, $"shellcheck found problems:\n{result.Output}{result.Error}");
    }

    [Fact]
    public void The_agent_config_is_json_with_the_slots_boot_fills()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Boot.Folder, "cloudwatch-agent.json")))!;
        Assert.NotNull(config["agent"]!["region"]);
        var file = config["logs"]!["logs_collected"]!["files"]!["collect_list"]![0]!;
        Assert.NotNull(file["file_path"]);
        Assert.NotNull(file["log_group_name"]);
        Assert.Equal("{instance_id}", file["log_stream_name"]!.ToString());
        Assert.NotNull(config["logs"]!["metrics_collected"]!["emf"]);
        Assert.Equal("127.0.0.1:4317", config["traces"]!["traces_collected"]!["otlp"]!["grpc_endpoint"]!.ToString());
    }

    private static readonly Dictionary<string, string[]> UnitKeys = new()
    {
        ["Unit"] = ["Description", "After", "Wants", "Requires"],
        ["Service"] = ["Type", "User", "WorkingDirectory", "EnvironmentFile", "ExecStartPre", "ExecStart", "Restart", "RestartSec", "StandardOutput", "StandardError"],
        ["Timer"] = ["OnCalendar", "RandomizedDelaySec", "Persistent"],
        ["Install"] = ["WantedBy"],
    };

    /// <summary>The placeholders boot.sh's fill() replaces.</summary>
    private static readonly string[] Placeholders = ["SERVICE", "HOME", "EXECUTABLE", "ETC", "BIN", "LOG_FILE"];

    [Fact]
    public void Unit_files_have_known_sections_and_keys_and_only_placeholders_boot_fills()
    {
        var units = Directory.GetFiles(Path.Combine(Boot.Folder, "units"));
        Assert.Equal(3, units.Length);
        foreach (var unit in units)
        {
            var sections = new Dictionary<string, Dictionary<string, string>>();
            Dictionary<string, string>? current = null;
            foreach (var line in File.ReadAllLines(unit).Where(l => l.Length > 0 && l[0] is not ('#' or ';')))
            {
                if (SectionLine().Match(line) is { Success: true } section)
                {
                    var name = section.Groups[1].Value;
                    Assert.True(UnitKeys.ContainsKey(name), $"{unit}: unknown section [{name}]");
                    current = sections[name] = [];
                    continue;
                }
                Assert.True(current is not null, $"{unit}: '{line}' outside a section");
                var match = KeyValueLine().Match(line);
                Assert.True(match.Success, $"{unit}: not Key=Value: {line}");
                var key = match.Groups[1].Value;
                Assert.Contains(key, UnitKeys[sections.Single(s => ReferenceEquals(s.Value, current)).Key]);
                current[key] = match.Groups[2].Value;
            }
            foreach (Match placeholder in PlaceholderPattern().Matches(File.ReadAllText(unit)))
            {
                Assert.Contains(placeholder.Groups[1].Value, Placeholders);
            }
            Assert.True(sections.ContainsKey("Unit") && sections["Unit"].ContainsKey("Description"), $"{unit}: no Description");
            if (unit.EndsWith(".service", StringComparison.Ordinal))
            {
                Assert.True(sections["Service"].ContainsKey("ExecStart"), $"{unit}: no ExecStart");
            }
            else
            {
                Assert.True(sections.ContainsKey("Timer") && sections.ContainsKey("Install"), $"{unit}: a timer needs [Timer] and [Install]");
            }
        }
    }

    [GeneratedRegex(@"^\[(\w+)\]$")]
    private static partial Regex SectionLine();

    [GeneratedRegex(@"^([A-Za-z]+)=(\S.*)$")]
    private static partial Regex KeyValueLine();

    [GeneratedRegex("@([A-Z_]+)@")]
    private static partial Regex PlaceholderPattern();
}
