using System.Text.Json;
using System.Text.Json.Nodes;

namespace BookingAws.Cdk.Tests;

public sealed class LambdaRuntimeTests(DevPlatform dev, ProdPlatform prod, ProdHttpsPlatform https)
    : IClassFixture<DevPlatform>, IClassFixture<ProdPlatform>, IClassFixture<ProdHttpsPlatform>
{
    [Fact]
    public void No_template_of_any_stage_deploys_a_runtime_that_lambda_deprecates_within_a_year()
    {
        var problems = new PlatformFixture[] { dev, prod, https }
            .SelectMany(stage => stage.Templates)
            .SelectMany(t => LambdaRuntimeSupport.Problems(t.Key, JsonSerializer.SerializeToNode(t.Value.ToJSON())!, LambdaRuntimeSupport.Today))
            .ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_cdk_provided_node_function_runs_nodejs24()
    {
        var runtimes = dev.Templates.Concat(prod.Templates)
            .SelectMany(t => PlatformFixture.Resources(t.Value, "AWS::Lambda::Function"))
            // The cache user's rotation function is the project's own (Python, boto3), not a CDK provider.
            .Where(f => !f.Key.StartsWith("CacheUserRotation", StringComparison.Ordinal))
            .Select(f => f.Value["Properties"]!["Runtime"]!.GetValue<string>())
            .ToList();
        // Log retention, restrict-default-security-group, cross-region export reader and writer at least.
        Assert.True(runtimes.Count >= 4, string.Join(", ", runtimes));
        Assert.All(runtimes, r => Assert.Equal("nodejs24.x", r));
    }

    [Fact]
    public void The_check_flags_the_runtimes_cdk_2_160_ships_and_passes_the_ones_the_aspect_picks()
    {
        var today = new DateOnly(2026, 12, 2);
        Assert.NotNull(LambdaRuntimeSupport.Problem("nodejs20.x", today));
        Assert.NotNull(LambdaRuntimeSupport.Problem("nodejs22.x", today));
        Assert.NotNull(LambdaRuntimeSupport.Problem("python3.11", today));
        Assert.NotNull(LambdaRuntimeSupport.Problem("python3.9", today));
        Assert.NotNull(LambdaRuntimeSupport.Problem("ruby9.9", today));
        Assert.Null(LambdaRuntimeSupport.Problem(Aspects.SupportedLambdaRuntimes.NodeRuntime, today));
        Assert.Null(LambdaRuntimeSupport.Problem(Aspects.SupportedLambdaRuntimes.PythonRuntime, today));
    }

    [Fact]
    public void Hosted_rotation_under_the_old_transform_counts_as_its_python_3_10_default()
    {
        var template = JsonNode.Parse("""
            {"Transform":"AWS::SecretsManager-2020-07-23","Resources":{"R":{"Type":"AWS::SecretsManager::RotationSchedule",
              "Properties":{"HostedRotationLambda":{"RotationType":"PostgreSQLSingleUser"}}}}}
            """)!;
        Assert.Single(LambdaRuntimeSupport.Problems("t", template, new DateOnly(2026, 12, 2)));
    }

    [Fact]
    public void Hosted_rotation_under_the_managed_transform_without_a_pinned_runtime_passes()
    {
        var template = JsonNode.Parse("""
            {"Transform":["AWS::SecretsManager-2024-09-16"],"Resources":{"R":{"Type":"AWS::SecretsManager::RotationSchedule",
              "Properties":{"HostedRotationLambda":{"RotationType":"PostgreSQLMultiUser"}}}}}
            """)!;
        Assert.Empty(LambdaRuntimeSupport.Problems("t", template, new DateOnly(2026, 12, 2)));
    }

    [Fact]
    public void Data_stack_uses_the_transform_whose_rotation_functions_aws_keeps_current()
    {
        var template = JsonSerializer.SerializeToNode(prod.Data.ToJSON())!;
        Assert.Equal(LambdaRuntimeSupport.ManagedHostedRotationTransform, template["Transform"] switch
        {
            JsonArray list => Assert.Single(list)!.GetValue<string>(),
            var one => one!.GetValue<string>(),
        });
    }
}
