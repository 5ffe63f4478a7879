using System.Globalization;
using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;
using Amazon.JSII.Runtime.Deputy;
using Constructs;

namespace BookingAws.Cdk.Aspects;

/// <summary>
/// Moves every CDK-provided Lambda function (log retention, cross-region export reader/writer, default
/// security group restriction, bucket deployment, other singleton providers) onto a runtime Lambda keeps
/// supporting: Amazon.CDK.Lib is pinned at 2.160, whose providers still ask for nodejs20.x and python3.11.
/// </summary>
/// <remarks>
/// nodejs24.x is deprecated on 2028-04-30 (nodejs22.x already on 2027-04-30); python3.12 on 2028-10-31 and is
/// the newest Python the bucket deployment's AWS CLI v1 layer (awscli 1.31) declares support for.
/// Source: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
/// </remarks>
public sealed class SupportedLambdaRuntimes : DeputyBase, IAspect
{
    public const string NodeRuntime = "nodejs24.x";
    public const string PythonRuntime = "python3.12";

    private const int NodeMajor = 24;
    private const int PythonMinor = 12;

    /// <summary>
    /// Applies to everything in <paramref name="stack"/>: as an aspect, and once more at validation time for
    /// the providers CDK only adds while preparing the app (after aspects ran), such as the cross-region
    /// export reader and writer.
    /// </summary>
    public static void ApplyTo(Stack stack)
    {
        var aspect = new SupportedLambdaRuntimes();
        Amazon.CDK.Aspects.Of(stack).Add(aspect);
        stack.Node.AddValidation(new LateVisit(stack, aspect));
    }

    public void Visit(IConstruct node)
    {
        switch (node)
        {
            case CfnFunction function when function.Runtime is { } runtime:
                if (Upgrade(runtime) is { } upgraded)
                {
                    function.Runtime = upgraded;
                }
                break;
            case CfnResource resource when resource.CfnResourceType == "AWS::Lambda::Function":
                // Untyped AWS::Lambda::Function resources come only from CDK's Node.js providers
                // (CustomResourceProvider, LogRetention); the template tests check the outcome.
                resource.AddPropertyOverride("Runtime", NodeRuntime);
                break;
        }
    }

    /// <summary>The supported runtime to use instead of <paramref name="runtime"/>, or null to keep it.</summary>
    public static string? Upgrade(string runtime)
    {
        if (runtime.StartsWith("nodejs", StringComparison.Ordinal))
        {
            var major = runtime["nodejs".Length..].Split('.')[0];
            return int.TryParse(major, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m < NodeMajor ? NodeRuntime : null;
        }
        if (runtime.StartsWith("python3.", StringComparison.Ordinal))
        {
            var minor = runtime["python3.".Length..];
            return int.TryParse(minor, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m < PythonMinor ? PythonRuntime : null;
        }
        return null;
    }

    private sealed class LateVisit(Stack stack, SupportedLambdaRuntimes aspect) : DeputyBase, IValidation
    {
        public string[] Validate()
        {
            foreach (var node in stack.Node.FindAll())
            {
                aspect.Visit(node);
            }
            return [];
        }
    }
}
