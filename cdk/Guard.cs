using System.Runtime.CompilerServices;
using Amazon.CDK;
using Constructs;

namespace BookingAws.Cdk;

/// <summary>
/// Acknowledges AWS Control Tower proactive controls (cfn-guard rules) that do not apply, each with its reason.
/// On a resource: <c>Metadata.guard.SuppressedRules</c> (which cfn-guard itself honours) and
/// <c>Metadata.guard.Reasons</c> (which cdk/scripts/guard.mjs requires). For resources CDK adds while
/// synthesizing: template <c>Metadata.guard.Acknowledgements</c>, matched by logical-id prefix.
/// </summary>
public static class Guard
{
    private static readonly ConditionalWeakTable<CfnResource, Dictionary<string, string>> ReasonsByResource = [];
    private static readonly ConditionalWeakTable<Stack, List<Dictionary<string, string>>> GeneratedByStack = [];

    /// <summary>Acknowledges <paramref name="rule"/> on every CloudFormation resource under <paramref name="scope"/>.</summary>
    public static void Suppress(IConstruct scope, string rule, string reason)
    {
        foreach (var node in scope.Node.FindAll())
        {
            if (node is CfnResource resource)
            {
                var reasons = ReasonsByResource.GetOrCreateValue(resource);
                reasons[rule] = reason;
                resource.AddMetadata("guard", new Dictionary<string, object>
                {
                    ["SuppressedRules"] = reasons.Keys.ToArray(),
                    ["Reasons"] = new Dictionary<string, string>(reasons),
                });
            }
        }
    }

    /// <summary>Acknowledges <paramref name="rule"/> on resources of <paramref name="stack"/> whose logical id starts with the prefix.</summary>
    public static void SuppressGenerated(Stack stack, string logicalIdPrefix, string rule, string reason)
    {
        var acknowledgements = GeneratedByStack.GetOrCreateValue(stack);
        acknowledgements.Add(new Dictionary<string, string> { ["rule"] = rule, ["resources"] = logicalIdPrefix, ["reason"] = reason });
        TemplateMetadata.Set(stack, "guard", new Dictionary<string, object> { ["Acknowledgements"] = acknowledgements.ToArray() });
    }
}

/// <summary>The Control Tower findings every access-log bucket shares, acknowledged together.</summary>
public static class LogBucket
{
    public static void Acknowledge(Amazon.CDK.AWS.S3.IBucket bucket, string whyNoKms)
    {
        Guard.Suppress(bucket, "s3_bucket_default_encryption_kms_check", whyNoKms);
        Guard.Suppress(bucket, "s3_bucket_logging_enabled_check", "This bucket is the access-log destination; logging it to itself would loop.");
        Guard.Suppress(bucket, "s3_bucket_versioning_enabled_check", "Access logs are written once and expire by lifecycle; versions would only keep deleted logs.");
        Guard.Suppress(bucket, "s3_bucket_object_lock_enabled_check", "Access logs expire after the stage's retention; object lock would stop the lifecycle rule.");
        Guard.Suppress(bucket, "s3_event_notifications_enabled_check", "Only AWS log delivery writes here; nothing reacts to new log files.");
    }
}
