using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BookingAws.Cdk.Stacks;

namespace BookingAws.Cdk.Tests;

/// <summary>
/// What really reaches CloudWatch, read from the application source and the synthesized templates, and the
/// metrics that alarms and dashboards name. A metric is emitted when AWS emits it (its namespace is in
/// <see cref="AwsNamespaces"/>), when the apps' meter creates it (src/**/*.cs; the CloudWatch agent forwards
/// OTLP metrics under their own names into <see cref="ObservabilityStack.AppNamespace"/>), or when a metric
/// filter of the templates counts log lines into it.
/// </summary>
public static partial class EmittedMetrics
{
    /// <summary>Namespaces AWS publishes to by itself for the services this platform uses.</summary>
    public static readonly string[] AwsNamespaces =
    [
        "AWS/ApplicationELB", "AWS/SQS", "AWS/RDS", "AWS/SES", "AWS/CloudFront", "AWS/WAFV2", "AWS/ElastiCache", "AWS/AutoScaling",
    ];

    /// <summary>
    /// Instruments of the ASP.NET Core instrumentation (its meters Microsoft.AspNetCore.Hosting, .Server.Kestrel,
    /// .Http.Connections), emitted when src/Shared/Hosting/ServiceDefaults.cs adds it; none is in the app's source.
    /// </summary>
    private static readonly string[] AspNetCoreInstruments =
    [
        "http.server.request.duration", "http.server.active_requests", "kestrel.active_connections",
        "signalr.server.active_connections", "signalr.server.connection.duration",
    ];

    public static string SourceRoot => Path.Combine(RepoPaths.Root, "src");

    private static readonly Lazy<string[]> SourceFiles = new(() =>
        Directory.GetFiles(SourceRoot, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToArray());

    /// <summary>All of the application source, for the log-line terms metric filters count.</summary>
    public static string SourceText { get; } = string.Join('\n', SourceFiles.Value.Select(File.ReadAllText));

    /// <summary>Instrument names the apps' meters create (<c>Meter.CreateCounter("name")</c> and the like).</summary>
    public static IReadOnlySet<string> AppInstruments { get; } = ReadAppInstruments();

    private static HashSet<string> ReadAppInstruments()
    {
        var names = InstrumentNames(SourceText).ToHashSet(StringComparer.Ordinal);
        var defaults = File.ReadAllText(Path.Combine(SourceRoot, "Shared", "Hosting", "ServiceDefaults.cs"));
        if (defaults.Contains(".AddAspNetCoreInstrumentation()", StringComparison.Ordinal)
            && defaults.Contains(".AddMeter(Telemetry.SourceName)", StringComparison.Ordinal))
        {
            names.UnionWith(AspNetCoreInstruments);
        }
        else
        {
            // Without the meter pipeline nothing of the apps reaches CloudWatch.
            names.Clear();
        }
        return names;
    }

    /// <summary>
    /// Names given to <c>Meter.Create…</c> in <paramref name="source"/>: a string literal, or a constant
    /// (<c>const string X = "…"</c>, possibly qualified as <c>Type.X</c>) declared somewhere in the same source.
    /// </summary>
    public static IEnumerable<string> InstrumentNames(string source)
    {
        foreach (Match m in InstrumentPattern().Matches(source))
        {
            if (m.Groups["name"].Success)
            {
                yield return m.Groups["name"].Value;
                continue;
            }
            var constant = m.Groups["constant"].Value.Split('.')[^1];
            foreach (Match declared in ConstantPattern().Matches(source))
            {
                if (declared.Groups["id"].Value == constant)
                {
                    yield return declared.Groups["value"].Value;
                }
            }
        }
    }

    [GeneratedRegex("""\.Create(?:Counter|Histogram|UpDownCounter|Gauge|ObservableGauge|ObservableCounter|ObservableUpDownCounter)(?:<[^>]+>)?\(\s*(?:"(?<name>[^"]+)"|(?<constant>[A-Za-z_][\w.]*))\s*,""")]
    private static partial Regex InstrumentPattern();

    [GeneratedRegex("""const\s+string\s+(?<id>\w+)\s*=\s*"(?<value>[^"]+)"\s*;""")]
    private static partial Regex ConstantPattern();

    /// <summary>(namespace, metric) pairs counted from logs by the metric filters of these templates, with their patterns.</summary>
    public static IReadOnlyList<(string Namespace, string Metric, string Pattern)> LogMetrics(IEnumerable<JsonNode> templates) =>
        templates.SelectMany(t => Resources(t, "AWS::Logs::MetricFilter"))
            .SelectMany(r => r["Properties"]!["MetricTransformations"]!.AsArray().Select(m =>
                (m!["MetricNamespace"]!.GetValue<string>(), m["MetricName"]!.GetValue<string>(), r["Properties"]!["FilterPattern"]!.GetValue<string>())))
            .ToList();

    /// <summary>The quoted terms of a filter pattern: each must be words of a log line the apps write.</summary>
    public static IEnumerable<string> Terms(string pattern) =>
        TermPattern().Matches(pattern).Select(m => m.Groups[1].Value);

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex TermPattern();

    /// <summary>The metrics named by nobody-emits-it: every reference the templates' alarms and dashboards make.</summary>
    public static IReadOnlyList<string> Unemitted(IEnumerable<(string Namespace, string Metric)> referenced, IEnumerable<(string Namespace, string Metric)> logMetrics)
    {
        var fromLogs = logMetrics.ToHashSet();
        return referenced
            .Where(r => !(AwsNamespaces.Contains(r.Namespace)
                || (r.Namespace == ObservabilityStack.AppNamespace && AppInstruments.Contains(r.Metric))
                || fromLogs.Contains(r)))
            .Select(r => $"{r.Namespace}/{r.Metric}")
            .Distinct()
            .ToList();
    }

    /// <summary>Every (namespace, metric) that the alarms and dashboards of these templates read.</summary>
    public static IReadOnlyList<(string Namespace, string Metric)> Referenced(IEnumerable<JsonNode> templates)
    {
        var found = new List<(string, string)>();
        foreach (var template in templates)
        {
            foreach (var alarm in Resources(template, "AWS::CloudWatch::Alarm"))
            {
                var props = alarm["Properties"]!;
                if (props["MetricName"] is { } name)
                {
                    found.Add((Text(props["Namespace"]), Text(name)));
                }
                foreach (var query in props["Metrics"]?.AsArray() ?? [])
                {
                    if (query!["MetricStat"]?["Metric"] is { } metric)
                    {
                        found.Add((Text(metric["Namespace"]), Text(metric["MetricName"])));
                    }
                    if (query["Expression"] is { } expression)
                    {
                        found.AddRange(InExpression(Text(expression)));
                    }
                }
            }
            foreach (var dashboard in Resources(template, "AWS::CloudWatch::Dashboard"))
            {
                var body = JsonNode.Parse(Flatten(dashboard["Properties"]!["DashboardBody"]!))!;
                foreach (var widget in body["widgets"]!.AsArray())
                {
                    foreach (var line in widget!["properties"]?["metrics"]?.AsArray() ?? [])
                    {
                        var items = line!.AsArray();
                        if (items[0] is JsonObject options && options["expression"] is { } expression)
                        {
                            found.AddRange(InExpression(Text(expression)));
                        }
                        else
                        {
                            found.Add((Text(items[0]), Text(items[1])));
                        }
                    }
                }
            }
        }
        return found;
    }

    /// <summary>Metrics Insights (<c>SELECT f("m") FROM "ns"</c>) and search (<c>{ns,…} MetricName="m"</c>) references.</summary>
    public static IEnumerable<(string Namespace, string Metric)> InExpression(string expression)
    {
        foreach (Match m in SelectPattern().Matches(expression))
        {
            yield return (m.Groups["ns"].Value, m.Groups["metric"].Value);
        }
        foreach (Match m in SearchPattern().Matches(expression))
        {
            yield return (m.Groups["ns"].Value, m.Groups["metric"].Value);
        }
    }

    [GeneratedRegex("""SELECT\s+\w+\("(?<metric>[^"]+)"\)\s+FROM\s+"?(?<ns>[^"\s]+)"?""")]
    private static partial Regex SelectPattern();

    [GeneratedRegex(@"\{(?<ns>[^,}]+)[^}]*\}\s*MetricName=""(?<metric>[^""]+)""")]
    private static partial Regex SearchPattern();

    public static IEnumerable<JsonNode> Resources(JsonNode template, string type) =>
        template["Resources"]!.AsObject().Select(r => r.Value!).Where(r => r["Type"]!.GetValue<string>() == type);

    private static string Text(JsonNode? node) => node is JsonValue value ? value.ToString() : Flatten(node!);

    /// <summary>A string built with Fn::Join, with every unresolved token as TOKEN.</summary>
    public static string Flatten(JsonNode node)
    {
        if (node is JsonValue value)
        {
            return value.ToString();
        }
        if (node is JsonObject join && join["Fn::Join"] is JsonArray args)
        {
            var builder = new StringBuilder();
            var separator = args[0]!.GetValue<string>();
            builder.AppendJoin(separator, args[1]!.AsArray().Select(part => part is JsonValue v ? v.ToString() : "TOKEN"));
            return builder.ToString();
        }
        return "TOKEN";
    }
}
