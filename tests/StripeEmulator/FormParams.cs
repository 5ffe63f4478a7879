using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace BookingAws.StripeEmulator;

/// <summary>
/// Stripe's v1 parameters, flat as they arrive: <c>metadata[booking_id]=…</c>, <c>expand[0]=…</c>,
/// <c>created[gte]=…</c>. Kept flat because every lookup the emulator needs is by key or key prefix.
/// </summary>
public sealed class FormParams
{
    private readonly Dictionary<string, string> values;

    private FormParams(Dictionary<string, string> values) => this.values = values;

    public static FormParams Empty { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal));

    public IReadOnlyDictionary<string, string> Values => this.values;

    public static FormParams Parse(string encoded)
    {
        var parsed = QueryHelpers.ParseQuery(encoded);
        var dict = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in parsed)
        {
            // Array params sent as "expand[]" repeat the key; give them indexes like Stripe.net's own encoding.
            if (key.EndsWith("[]", StringComparison.Ordinal))
            {
                var stem = key[..^2];
                var i = 0;
                foreach (var v in value)
                {
                    dict[$"{stem}[{i++}]"] = v ?? string.Empty;
                }
            }
            else
            {
                dict[key] = value.ToString();
            }
        }

        return new FormParams(dict);
    }

    /// <summary>A stable form of the parameters, so the same parameters in any order compare equal.</summary>
    public string Canonical() =>
        string.Join('&', this.values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    public string? Get(string key) => this.values.TryGetValue(key, out var v) ? v : null;

    public bool Has(string key) => this.values.ContainsKey(key);

    /// <summary>Children of a hash param: <c>metadata[a]=1</c> gives <c>a → 1</c>.</summary>
    public Dictionary<string, string> Hash(string name)
    {
        var prefix = name + "[";
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in this.values)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && key.EndsWith(']'))
            {
                result[key[prefix.Length..^1]] = value;
            }
        }

        return result;
    }

    public IReadOnlyList<string> List(string name) =>
        this.Hash(name).OrderBy(kv => int.TryParse(kv.Key, out var i) ? i : int.MaxValue).Select(kv => kv.Value).ToList();

    /// <summary>Top-level parameter names (<c>metadata[a]</c> counts as <c>metadata</c>).</summary>
    public IEnumerable<string> RootNames() =>
        this.values.Keys.Select(k => k.IndexOf('[', StringComparison.Ordinal) is var i and > 0 ? k[..i] : k).Distinct();

    public bool TryGetLong(string key, out long value, out bool present)
    {
        present = this.values.TryGetValue(key, out var raw);
        value = 0;
        return present && long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }
}
