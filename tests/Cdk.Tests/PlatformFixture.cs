using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.CDK;
using Amazon.CDK.Assertions;

namespace BookingAws.Cdk.Tests;

/// <summary>Synthesizes one stage in-process, once per test class, with the context that cdk.json gives the CLI.</summary>
public abstract class PlatformFixture : IDisposable
{
    private readonly string _outdir = Path.Combine(Path.GetTempPath(), "bookingaws-cdk-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, Template> _templates = [];

    protected PlatformFixture(string stage, IDictionary<string, string>? extraContext = null)
    {
        var context = RepoPaths.CdkJsonContext();
        context["stage"] = stage;
        // Prod refuses to synthesize without a sending domain, a public domain and certificates; fixtures that do
        // not care get the test ones.
        if (stage == "prod")
        {
            foreach (var (key, value) in ProdPlatform.RequiredContext)
            {
                context[key] = value;
            }
        }
        foreach (var (key, value) in extraContext ?? new Dictionary<string, string>())
        {
            context[key] = value;
        }
        var app = new App(new AppProps { Context = context, Outdir = _outdir });
        Platform = Platform.Build(app);
        var assembly = app.Synth();
        foreach (var stack in assembly.Stacks)
        {
            _templates[stack.StackName] = Template.FromJSON((IDictionary<string, object>)stack.Template);
        }
    }

    public Platform Platform { get; }

    public Template TemplateOf(Stack stack) => _templates[stack.StackName];

    public Template Network => TemplateOf(Platform.Network);
    public Template Data => TemplateOf(Platform.Data);
    public Template Messaging => TemplateOf(Platform.Messaging);
    public Template Email => TemplateOf(Platform.Email);
    public Template Identity => TemplateOf(Platform.Identity);

    /// <summary>Every synthesized template of the stage, by stack name.</summary>
    public IReadOnlyDictionary<string, Template> Templates => _templates;
    public Template Compute => TemplateOf(Platform.Compute);
    public Template Waf => TemplateOf(Platform.Waf);
    public Template Edge => TemplateOf(Platform.Edge);
    public Template Observability => TemplateOf(Platform.Observability);

    /// <summary>The resources of one type as JSON, for assertions that span several resources.</summary>
    public static IReadOnlyDictionary<string, JsonNode> Resources(Template template, string type, object? props = null) =>
        template.FindResources(type, props)
            .ToDictionary(r => r.Key, r => JsonSerializer.SerializeToNode(r.Value)!);

    public void Dispose()
    {
        if (Directory.Exists(_outdir))
        {
            Directory.Delete(_outdir, recursive: true);
        }
        GC.SuppressFinalize(this);
    }
}

public sealed class DevPlatform() : PlatformFixture("dev");

/// <summary>Prod as a first deploy: domain and certificates given, the email domain not yet verified by SES.</summary>
public sealed class ProdPlatform() : PlatformFixture("prod")
{
    public const string EmailDomain = "bookings.example.com";
    public const string DomainName = "book.example.com";
    public const string EdgeCertificateArn = "arn:aws:acm:us-east-1:111111111111:certificate/11111111-1111-1111-1111-111111111111";

    /// <summary>What prod cannot synthesize without.</summary>
    public static IReadOnlyDictionary<string, string> RequiredContext { get; } = new Dictionary<string, string>
    {
        ["emailDomain"] = EmailDomain,
        ["domainName"] = DomainName,
        ["edgeCertificateArn"] = EdgeCertificateArn,
        ["certificateArn"] = ProdHttpsPlatform.CertificateArn,
        ["originDomainName"] = "origin.bookings.example.com",
    };
}

/// <summary>
/// Prod as configured after the first deploy: a certificate (the ALB serves HTTPS and redirects HTTP) and a
/// verified email domain (Cognito sends through SES and offers email one-time codes).
/// </summary>
public sealed class ProdHttpsPlatform() : PlatformFixture("prod", new Dictionary<string, string>
{
    ["certificateArn"] = CertificateArn,
    ["originDomainName"] = "origin.bookings.example.com",
    ["emailFrom"] = EmailFrom,
    ["emailVerified"] = "true",
})
{
    public const string CertificateArn = "arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000";
    public const string EmailFrom = "hello@bookings.example.com";
}

public static class RepoPaths
{
    /// <summary>The repository root: the nearest parent folder holding cdk.json.</summary>
    public static string Root { get; } = FindRoot();

    public static Dictionary<string, object> CdkJsonContext()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "cdk.json")));
        return doc.RootElement.GetProperty("context").EnumerateObject()
            .ToDictionary(p => p.Name, p => Plain(p.Value));
    }

    private static object Plain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().Select(Plain).ToArray(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => value.GetDouble(),
        _ => value.GetString() ?? string.Empty,
    };

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "cdk.json")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("cdk.json not found above the test output folder.");
    }
}
