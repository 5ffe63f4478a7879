using System.Runtime.CompilerServices;
using Amazon.CDK;
using Amazon.JSII.Runtime.Deputy;
using Constructs;

namespace BookingAws.Cdk;

/// <summary>
/// Records cdk-nag acknowledgements as <c>cdk_nag.rules_to_suppress</c> template metadata (the format cdk-nag
/// itself writes). The C# CDK version pinned here predates <c>Validations</c>, so scripts/nag.mjs reads the
/// metadata back when it checks the synthesized templates. Every call carries its reason.
/// </summary>
public static class Nag
{
    // Per app, so tests that synthesize several apps in one process never share acknowledgements.
    private static readonly ConditionalWeakTable<IConstruct, Dictionary<string, List<Dictionary<string, string>>>> RulesByApp = [];

    /// <summary>Acknowledges a rule on every CloudFormation resource under <paramref name="scope"/>.</summary>
    public static void Suppress(IConstruct scope, string ruleId, string reason)
    {
        foreach (var node in scope.Node.FindAll())
        {
            if (node is CfnResource resource)
            {
                Add(resource, ruleId, reason);
            }
        }
    }

    /// <summary>
    /// Acknowledges a rule on resources CDK adds to <paramref name="stack"/> itself (custom-resource providers
    /// such as the cross-region export writer), some of which only appear during synthesis. They are matched
    /// by logical-id prefix through template metadata, never as a blanket stack-wide acknowledgement.
    /// </summary>
    public static void SuppressGenerated(Stack stack, string logicalIdPrefix, string ruleId, string reason)
    {
        var key = stack.Node.Path + "#template";
        var rulesByPath = RulesByApp.GetOrCreateValue(stack.Node.Root);
        if (!rulesByPath.TryGetValue(key, out var rules))
        {
            rules = [];
            rulesByPath[key] = rules;
        }
        rules.Add(new Dictionary<string, string> { ["id"] = ruleId, ["reason"] = reason, ["resources"] = logicalIdPrefix });
        TemplateMetadata.Set(stack, "cdk_nag", new Dictionary<string, object> { ["rules_to_suppress"] = rules.ToArray() });
    }

    /// <summary>The rules CDK's own Node.js custom-resource providers trip, with the reason they are acceptable.</summary>
    public static void SuppressCdkProvider(Stack stack, string logicalIdPrefix, params string[] iamResourceFindings)
    {
        SuppressGenerated(stack, logicalIdPrefix, "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
            "CDK-managed provider function; the basic execution policy only lets it write its own logs.");
        SuppressGenerated(stack, logicalIdPrefix, "AwsSolutions-L1",
            "CDK-managed provider function; the SupportedLambdaRuntimes aspect moves it to a supported runtime, which may trail the newest one (cdk/Aspects).");
        foreach (var finding in iamResourceFindings)
        {
            SuppressGenerated(stack, logicalIdPrefix, $"AwsSolutions-IAM5[{finding}]",
                "CDK-managed provider policy, scoped by CDK to the parameters or log groups it manages.");
        }
    }

    internal static void Add(CfnResource resource, string ruleId, string reason)
    {
        var rulesByPath = RulesByApp.GetOrCreateValue(resource.Node.Root);
        var path = resource.Node.Path;
        if (!rulesByPath.TryGetValue(path, out var rules))
        {
            rules = [];
            rulesByPath[path] = rules;
        }
        if (rules.Exists(r => r["id"] == ruleId))
        {
            return;
        }
        rules.Add(new Dictionary<string, string> { ["id"] = ruleId, ["reason"] = reason });
        resource.AddMetadata("cdk_nag", new Dictionary<string, object> { ["rules_to_suppress"] = rules.ToArray() });
    }
}

/// <summary>Acknowledges a rule on resources CDK creates only while synthesizing (singleton providers).</summary>
public sealed class NagSuppressionAspect(Func<CfnResource, bool> applies, string ruleId, string reason) : DeputyBase, IAspect
{
    public void Visit(IConstruct node)
    {
        if (node is CfnResource resource && applies(resource))
        {
            Nag.Add(resource, ruleId, reason);
        }
    }
}

/// <summary>The template-level Metadata of a stack, shared by the cdk-nag and cfn-guard acknowledgements.</summary>
internal static class TemplateMetadata
{
    private static readonly ConditionalWeakTable<Stack, Dictionary<string, object>> ByStack = [];

    public static void Set(Stack stack, string key, object value)
    {
        var metadata = ByStack.GetOrCreateValue(stack);
        metadata[key] = value;
        stack.TemplateOptions.Metadata = new Dictionary<string, object>(metadata);
    }
}
