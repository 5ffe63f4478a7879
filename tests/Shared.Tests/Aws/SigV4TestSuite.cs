using System.Text;

namespace BookingAws.Shared.Tests.Aws;

/// <summary>
/// AWS's published SigV4 test suite, read where the project keeps it: in <c>shared/testdata</c> beside
/// the repository (CI lays it at <c>&lt;clone&gt;/../shared</c>). It is never copied into the project.
/// </summary>
public static class SigV4TestSuite
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string Region = "us-east-1";
    public const string Service = "service";
    public const string NotFound = "(suite not found)";

    private const string RelativePath = "shared/testdata/aws-sigv4-testsuite";

    private static readonly Lazy<string?> Root = new(Locate);

    public static string? Directory => Root.Value;

    /// <summary>Case names relative to the suite root, e.g. "normalize-path/get-space".</summary>
    public static IEnumerable<string> CaseNames()
    {
        if (Directory is null)
        {
            return [NotFound];
        }

        return System.IO.Directory.EnumerateFiles(Directory, "*.req", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Directory, Path.GetDirectoryName(f)!).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public static string LocationHint =>
        $"AWS SigV4 test suite not found: looked for ../{RelativePath} from the repository root (the folder with "
        + $"BookingAws.sln) and its parents, starting at {AppContext.BaseDirectory}.";

    public static SigV4Case Load(string name)
    {
        Assert.True(Directory is not null, LocationHint);
        var folder = Path.Combine(Directory!, name);
        var file = Path.GetFileName(name);
        string Read(string ext) => File.ReadAllText(Path.Combine(folder, file + ext), Encoding.UTF8);
        return new SigV4Case(name, RawRequest.Parse(Read(".req")), RawRequest.Parse(Read(".sreq")), Read(".creq"), Read(".sts"), Read(".authz").Trim());
    }

    // The repository root is the folder holding BookingAws.sln; shared/ sits beside it, or (in a
    // worktree checkout) beside one of its parents.
    private static string? Locate()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BookingAws.sln")))
        {
            dir = dir.Parent;
        }

        for (var parent = dir?.Parent; parent is not null; parent = parent.Parent)
        {
            var candidate = Path.Combine(parent.FullName, RelativePath);
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

public sealed record SigV4Case(string Name, RawRequest Request, RawRequest SignedRequest, string CanonicalRequest, string StringToSign, string Authorization);

/// <summary>A raw HTTP/1.1 request as the suite writes it; folded header lines stay in the value.</summary>
public sealed record RawRequest(string Method, string Path, string Query, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public static RawRequest Parse(string text)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var split = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        var body = split < 0 ? string.Empty : text[(split + 2)..];
        var lines = head.Split('\n');

        // The target may hold spaces (normalize-path/get-space), so it ends at the last " HTTP/".
        var requestLine = lines[0];
        var method = requestLine[..requestLine.IndexOf(' ', StringComparison.Ordinal)];
        var target = requestLine[(method.Length + 1)..requestLine.LastIndexOf(" HTTP/", StringComparison.Ordinal)];
        var q = target.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? target : target[..q];
        var query = q < 0 ? string.Empty : target[(q + 1)..];

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line.Length > 0 && char.IsWhiteSpace(line[0]) && headers.Count > 0)
            {
                var last = headers[^1];
                headers[^1] = new(last.Key, last.Value + "\n" + line);
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..]));
        }

        return new RawRequest(method, path, query, headers, body);
    }

    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value.Trim()).FirstOrDefault();
}
