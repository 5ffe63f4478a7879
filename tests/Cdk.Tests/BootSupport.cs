using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace BookingAws.Cdk.Tests;

/// <summary>Paths of the instance boot files and a way to run them as an instance would, without root.</summary>
public static class Boot
{
    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "cdk", "assets", "boot");

    /// <summary>The stand-in <c>aws</c> and <c>systemctl</c>, put first on PATH.</summary>
    public static string StandIn { get; } = Path.Combine(RepoPaths.Root, "tools", "rehearse", "standin");

    /// <summary>The file's permission bits (the boot files only ever run on Linux).</summary>
    public static UnixFileMode Mode(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The boot files run on Linux.");
        }
        return File.GetUnixFileMode(path);
    }

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
    }

    public static Result Run(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["PATH"] = $"{StandIn}:{Environment.GetEnvironmentVariable("PATH")}";
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in 60 s");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }
}

/// <summary>A temporary /etc/bookingaws with the sources JSON an instance gets and the state the stand-in aws serves.</summary>
public sealed class InstanceFolder : IDisposable
{
    public const string AppSecretArn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:app-db-AbCdEf";
    public const string MasterSecretArn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:master-db-AbCdEf";
    public const string PortalParameter = "/bookingaws/dev/portal-url";

    public InstanceFolder()
    {
        Directory.CreateDirectory(Etc);
        State = new JsonObject
        {
            ["secrets"] = new JsonObject
            {
                [AppSecretArn] = new JsonObject
                {
                    ["engine"] = "postgres",
                    ["host"] = "writer.cluster.example",
                    ["port"] = 5432,
                    ["dbname"] = "bookingaws",
                    ["username"] = "bookingaws_app",
                    ["password"] = "app-password",
                },
                [MasterSecretArn] = new JsonObject
                {
                    ["engine"] = "postgres",
                    ["host"] = "writer.cluster.example",
                    ["port"] = 5432,
                    ["dbname"] = "bookingaws",
                    ["username"] = "bookingaws",
                    ["password"] = "master-password",
                },
                // The apps' ElastiCache RBAC user, as the Data stack's secret holds it.
                ["arn:cache"] = new JsonObject { ["username"] = "bookingaws-dev-app", ["password"] = "cache-token" },
                ["arn:stripe"] = new JsonObject { ["ApiKey"] = "sk_live_key", ["WebhookSecret"] = "whsec_secret" },
                ["arn:link"] = "link-signing-key",
            },
            ["parameters"] = new JsonObject { [PortalParameter] = "https://portal.example.com" },
        };
    }

    public string Root { get; } = Directory.CreateTempSubdirectory("bookingaws-boot-").FullName;
    public string Etc => Path.Combine(Root, "etc", "bookingaws");
    public string Log => Path.Combine(Root, "standin.log");
    public JsonObject State { get; }

    public JsonObject Sources(string service) => new()
    {
        ["region"] = "eu-west-1",
        ["logGroup"] = $"BookingAws-dev-{service}-logs",
        ["databaseSecretArn"] = AppSecretArn,
        ["readerHost"] = "reader.cluster.example",
        ["writerHost"] = "writer.cluster.example",
        ["cacheSecretArn"] = "arn:cache",
        ["cacheHost"] = "cache.example",
        ["cachePort"] = 6380,
        ["stripeSecretArn"] = "arn:stripe",
        ["linkSecretArn"] = "arn:link",
        ["portalUrlParameter"] = PortalParameter,
        ["plain"] = new JsonObject { ["AWS_REGION"] = "eu-west-1", ["Sqs__Queues__Notifications"] = "https://sqs.eu-west-1.amazonaws.com/1/n" },
    };

    /// <summary>Writes the sources as user data would: the API's with the migration secret, the workers' without.</summary>
    public void WriteSources(string service)
    {
        var sources = Sources(service);
        if (service == "api")
        {
            sources["migrationSecretArn"] = MasterSecretArn;
        }
        File.WriteAllText(Path.Combine(Etc, $"{service}.sources.json"), sources.ToJsonString());
    }

    public Boot.Result RenderEnv(params string[] args)
    {
        File.WriteAllText(Path.Combine(Root, "state.json"), State.ToJsonString());
        return Boot.Run("bash", [Path.Combine(Boot.Folder, "render-env"), .. args], new Dictionary<string, string>
        {
            ["BOOKINGAWS_ETC"] = Etc,
            ["BOOKINGAWS_STANDIN_STATE"] = Path.Combine(Root, "state.json"),
            ["BOOKINGAWS_STANDIN_LOG"] = Log,
        });
    }

    public string EnvPath(string service) => Path.Combine(Etc, $"{service}.env");

    /// <summary>The env file as systemd's EnvironmentFile= reads it (double-quoted values, POSIX escapes).</summary>
    public Dictionary<string, string> ReadEnv(string file)
    {
        var values = new Dictionary<string, string>();
        foreach (var line in File.ReadAllLines(file))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(eq > 0 && line.Length > eq + 1 && line[eq + 1] == '"' && line[^1] == '"', $"not KEY=\"value\": {line}");
            var quoted = line[(eq + 2)..^1];
            var value = new StringBuilder();
            for (var i = 0; i < quoted.Length; i++)
            {
                if (quoted[i] == '\\' && i + 1 < quoted.Length && "\"\\`$".Contains(quoted[i + 1], StringComparison.Ordinal))
                {
                    i++;
                }
                else
                {
                    Assert.True(quoted[i] != '"', $"unescaped quote in {line}");
                }
                value.Append(quoted[i]);
            }
            values[line[..eq]] = value.ToString();
        }
        return values;
    }

    /// <summary>The env file as migrate.sh reads it: sourced by bash.</summary>
    public string SourcedByBash(string file, string key)
    {
        var result = Boot.Run("bash", ["-c", $"set -a; . '{file}'; printf %s \"${key}\""]);
        Assert.Equal(0, result.ExitCode);
        return result.Output;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
