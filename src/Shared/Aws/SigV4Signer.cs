using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;

namespace BookingAws.Shared.Aws;

/// <summary>
/// AWS Signature Version 4 for a plain <see cref="HttpRequestMessage"/>. AWSSDK.Core's own signer
/// (Amazon.Runtime.Internal.Auth.AWS4Signer) only signs the SDK's internal IRequest model, so it
/// cannot sign a raw HTTP request; this one follows the published algorithm and is checked against
/// AWS's SigV4 test suite. It signs for services other than S3: the path is normalised and each
/// segment of the path as sent is encoded once more ("double encoding").
/// </summary>
public sealed class SigV4Signer(TimeProvider timeProvider)
{
    internal const string Algorithm = "AWS4-HMAC-SHA256";
    internal const string DateHeader = "X-Amz-Date";
    internal const string SecurityTokenHeader = "X-Amz-Security-Token";

    // Headers that proxies, the HTTP stack or tracing may add or rewrite after signing.
    private static readonly HashSet<string> UnsignedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "user-agent", "expect", "connection", "keep-alive", "transfer-encoding",
        "upgrade", "te", "proxy-authorization", "x-amzn-trace-id", "traceparent", "tracestate",
        "baggage", "request-id", "content-length",
    };

    /// <summary>
    /// Adds <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> (for session credentials) and
    /// <c>Authorization</c> to <paramref name="request"/>. Signing again replaces them, so a retried
    /// request gets a fresh signature.
    /// </summary>
    public async Task SignAsync(
        HttpRequestMessage request,
        ImmutableCredentials credentials,
        string region,
        string service,
        CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException("The request URI must be absolute to be signed.", nameof(request));
        }

        var now = timeProvider.GetUtcNow();
        request.Headers.Remove(DateHeader);
        request.Headers.Remove(SecurityTokenHeader);
        request.Headers.Authorization = null;
        request.Headers.TryAddWithoutValidation(DateHeader, FormatAmzDate(now));
        if (credentials.UseToken)
        {
            request.Headers.TryAddWithoutValidation(SecurityTokenHeader, credentials.Token);
        }

        var body = request.Content is null
            ? []
            : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);

        var headers = new List<KeyValuePair<string, IEnumerable<string>>>();
        if (request.Headers.Host is null)
        {
            headers.Add(new("host", [uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}"]));
        }

        AddHeaders(headers, request.Headers.NonValidated);
        if (request.Content is not null)
        {
            AddHeaders(headers, request.Content.Headers.NonValidated);
        }

        var signature = Sign(
            request.Method.Method,
            uri.AbsolutePath,
            uri.Query,
            headers,
            HexSha256(body),
            credentials,
            region,
            service,
            now);

        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
    }

    private static void AddHeaders(List<KeyValuePair<string, IEnumerable<string>>> into, HttpHeadersNonValidated headers)
    {
        foreach (var (name, values) in headers)
        {
            if (!UnsignedHeaders.Contains(name))
            {
                into.Add(new(name, values));
            }
        }
    }

    /// <summary>
    /// Computes the signature of a request given as its parts. <paramref name="path"/> and
    /// <paramref name="query"/> are as they go on the wire. The security token of session
    /// credentials is signed as <c>x-amz-security-token</c>; <c>x-amz-date</c> must already be among
    /// <paramref name="headers"/> with the value of <paramref name="time"/>.
    /// </summary>
    internal static SigV4Signature Sign(
        string method,
        string path,
        string query,
        IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers,
        string payloadHash,
        ImmutableCredentials credentials,
        string region,
        string service,
        DateTimeOffset time)
    {
        var allHeaders = headers.ToList();
        if (credentials.UseToken)
        {
            allHeaders.RemoveAll(h => string.Equals(h.Key, SecurityTokenHeader, StringComparison.OrdinalIgnoreCase));
            allHeaders.Add(new(SecurityTokenHeader, [credentials.Token]));
        }

        var canonicalRequest = BuildCanonicalRequest(method, path, query, allHeaders, payloadHash, out var signedHeaders);
        var dateStamp = time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var scope = $"{dateStamp}/{region}/{service}/aws4_request";
        var stringToSign = BuildStringToSign(time, scope, canonicalRequest);
        var signingKey = DeriveSigningKey(credentials.SecretKey, dateStamp, region, service);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));
        var authorization =
            $"{Algorithm} Credential={credentials.AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new SigV4Signature(canonicalRequest, stringToSign, authorization);
    }

    internal static string BuildCanonicalRequest(
        string method,
        string path,
        string query,
        IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers,
        string payloadHash,
        out string signedHeaders)
    {
        // Repeated header names merge into one comma-separated list, keeping the order of values.
        var merged = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, values) in headers)
        {
            var key = name.Trim().ToLowerInvariant();
            if (!merged.TryGetValue(key, out var list))
            {
                merged[key] = list = [];
            }

            list.AddRange(values.Select(CanonicalHeaderValue));
        }

        signedHeaders = string.Join(';', merged.Keys);
        var builder = new StringBuilder()
            .Append(method.ToUpperInvariant()).Append('\n')
            .Append(CanonicalUri(path)).Append('\n')
            .Append(CanonicalQueryString(query)).Append('\n');
        foreach (var (name, values) in merged)
        {
            builder.Append(name).Append(':').AppendJoin(',', values).Append('\n');
        }

        return builder.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash).ToString();
    }

    internal static string BuildStringToSign(DateTimeOffset time, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{FormatAmzDate(time)}\n{scope}\n{HexSha256(Encoding.UTF8.GetBytes(canonicalRequest))}";

    internal static string FormatAmzDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    internal static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static byte[] DeriveSigningKey(string secretKey, string dateStamp, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(dateStamp));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    // Values are trimmed and runs of whitespace (including folded lines) become one space.
    private static string CanonicalHeaderValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    // RFC 3986 dot-segment removal plus collapsing empty segments, as AWS does for non-S3 services;
    // a trailing slash is kept.
    internal static string CanonicalUri(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "/";
        }

        var segments = new List<string>();
        var raw = path.Split('/');
        for (var i = 0; i < raw.Length; i++)
        {
            var segment = raw[i];
            switch (segment)
            {
                case "" or ".":
                    break;
                case "..":
                    if (segments.Count > 0)
                    {
                        segments.RemoveAt(segments.Count - 1);
                    }

                    break;
                default:
                    segments.Add(UriEncode(segment));
                    break;
            }
        }

        var last = raw[^1];
        var trailingSlash = segments.Count > 0 && (last.Length == 0 || last is "." or "..");
        return "/" + string.Join('/', segments) + (trailingSlash ? "/" : string.Empty);
    }

    // Parameters are decoded and re-encoded strictly, then sorted by name and value (ordinal).
    internal static string CanonicalQueryString(string query)
    {
        var trimmed = query.StartsWith('?') ? query[1..] : query;
        if (trimmed.Length == 0)
        {
            return string.Empty;
        }

        var pairs = new List<(string Key, string Value)>();
        foreach (var part in trimmed.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? string.Empty : part[(eq + 1)..];
            pairs.Add((UriEncode(Uri.UnescapeDataString(key)), UriEncode(Uri.UnescapeDataString(value))));
        }

        pairs.Sort((a, b) =>
        {
            var byKey = string.CompareOrdinal(a.Key, b.Key);
            return byKey != 0 ? byKey : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(p => $"{p.Key}={p.Value}"));
    }

    // Percent-encodes every byte of the UTF-8 form except RFC 3986 unreserved characters, upper-case hex.
    internal static string UriEncode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}

/// <summary>The intermediate and final values of one signature, exposed for the test suite.</summary>
internal sealed record SigV4Signature(string CanonicalRequest, string StringToSign, string Authorization);
