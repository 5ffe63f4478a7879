using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;

namespace BookingAws.Workers.Email;

/// <summary>A rendered email: subject, HTML and plain-text bodies.</summary>
public sealed record RenderedEmail(string Subject, string Html, string Text);

/// <summary>
/// Fills <c>{{name}}</c> placeholders in the template files under <c>Email/Templates/</c>
/// (<c>&lt;template&gt;.subject.txt</c>, <c>.html</c>, <c>.txt</c>). Values are HTML-encoded in the HTML body;
/// a placeholder without a value is an error, so a typo in a template cannot send a half-filled email.
/// </summary>
public sealed partial class TemplateRenderer
{
    /// <summary>Where the build copies <c>src/Workers/Email/Templates</c>: the same relative path beside the app.</summary>
    public static readonly string DefaultDirectory = Path.Combine(AppContext.BaseDirectory, "Email", "Templates");

    private readonly string _directory;
    private readonly ConcurrentDictionary<string, string> _cache = new(StringComparer.Ordinal);

    public TemplateRenderer()
        : this(DefaultDirectory)
    {
    }

    public TemplateRenderer(string directory) => _directory = directory;

    public RenderedEmail Render(string template, IReadOnlyDictionary<string, string> values) => new(
        Fill(Load($"{template}.subject.txt"), values, encode: false).Trim(),
        Fill(Load($"{template}.html"), values, encode: true),
        Fill(Load($"{template}.txt"), values, encode: false));

    public static string Fill(string text, IReadOnlyDictionary<string, string> values, bool encode) =>
        Placeholder().Replace(text, m =>
        {
            var name = m.Groups[1].Value;
            if (!values.TryGetValue(name, out var value))
            {
                throw new KeyNotFoundException($"Template placeholder '{name}' has no value.");
            }

            return encode ? WebUtility.HtmlEncode(value) : value;
        });

    private string Load(string file) => _cache.GetOrAdd(file, f => File.ReadAllText(Path.Combine(_directory, f)));

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
