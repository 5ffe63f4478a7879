using System.Text.Json.Nodes;

namespace BookingAws.Cdk.Tests;

/// <summary>
/// Which Lambda runtimes a template may ask for: none that Lambda has deprecated or deprecates within a year.
/// Dates from AWS's table, https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html (checked
/// 2026-12-02); update them when AWS moves a date or adds a runtime. An unknown runtime fails closed.
/// </summary>
public static class LambdaRuntimeSupport
{
    public static readonly IReadOnlyDictionary<string, DateOnly> Deprecation = new Dictionary<string, DateOnly>
    {
        ["nodejs16.x"] = new(2024, 6, 12),
        ["nodejs18.x"] = new(2025, 9, 1),
        ["nodejs20.x"] = new(2026, 4, 30),
        ["nodejs22.x"] = new(2027, 4, 30),
        ["nodejs24.x"] = new(2028, 4, 30),
        ["python3.9"] = new(2025, 12, 15),
        ["python3.10"] = new(2026, 10, 31),
        ["python3.11"] = new(2027, 6, 30),
        ["python3.12"] = new(2028, 10, 31),
        ["python3.13"] = new(2029, 6, 30),
        ["python3.14"] = new(2029, 6, 30),
    };

    /// <summary>What the 2020-07-23 Secrets Manager transform deploys when HostedRotationLambda names no Runtime.</summary>
    public const string LegacyHostedRotationDefault = "python3.10";

    /// <summary>The transform version under which AWS keeps hosted rotation functions on a current runtime.</summary>
    public const string ManagedHostedRotationTransform = "AWS::SecretsManager-2024-09-16";

    public static readonly TimeSpan Horizon = TimeSpan.FromDays(365);

    /// <summary>Null when <paramref name="runtime"/> is good for at least a year after <paramref name="today"/>.</summary>
    public static string? Problem(string runtime, DateOnly today)
    {
        if (!Deprecation.TryGetValue(runtime, out var deprecated))
        {
            return $"{runtime} is not in the table of known runtimes";
        }
        var limit = today.AddDays((int)Horizon.TotalDays);
        return deprecated <= limit ? $"{runtime} is deprecated on {deprecated:yyyy-MM-dd}, within a year of {today:yyyy-MM-dd}" : null;
    }

    /// <summary>Every Lambda runtime a template deploys, directly or through a hosted rotation, with a problem each.</summary>
    public static IEnumerable<string> Problems(string templateName, JsonNode template, DateOnly today)
    {
        var transforms = template["Transform"] switch
        {
            JsonArray list => list.Select(t => t!.GetValue<string>()).ToList(),
            JsonValue one => [one.GetValue<string>()],
            _ => [],
        };
        foreach (var (id, resource) in template["Resources"]?.AsObject() ?? [])
        {
            var type = resource!["Type"]!.GetValue<string>();
            string? runtime = type switch
            {
                "AWS::Lambda::Function" => resource["Properties"]?["Runtime"]?.GetValue<string>() ?? "(no runtime)",
                "AWS::Serverless::Application" => "python3.9 (Serverless Application Repository rotation app)",
                "AWS::SecretsManager::RotationSchedule" when resource["Properties"]?["HostedRotationLambda"] is { } hosted =>
                    hosted["Runtime"]?.GetValue<string>()
                    ?? (transforms.Contains(ManagedHostedRotationTransform) ? null : LegacyHostedRotationDefault),
                _ => null,
            };
            if (runtime is not null && Problem(runtime, today) is { } problem)
            {
                yield return $"{templateName}: {id} ({type}): {problem}";
            }
        }
    }

    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);
}
