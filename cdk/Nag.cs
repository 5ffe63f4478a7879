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
