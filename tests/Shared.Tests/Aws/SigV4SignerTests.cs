using System.Globalization;
using System.Text;
using Amazon.Runtime;
using BookingAws.Shared.Aws;
using Microsoft.Extensions.Time.Testing;

namespace BookingAws.Shared.Tests.Aws;

public class SigV4SignerTests
{
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    // The session token of get-vanilla-with-session-token (its .sreq carries it).
    private const string VanillaSessionToken = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";

    // The request line of these cases holds raw non-ASCII or a space in the path; a Uri escapes them,
    // and for the escaped path actually sent a non-S3 service expects the path encoded once more, so
    // only the canonical-level theory can check them against the suite.
    private static readonly HashSet<string> NotRepresentableAsUri = ["get-utf8", "normalize-path/get-space"];

    public static TheoryData<string> AllCases() => [.. SigV4TestSuite.CaseNames()];

    public static TheoryData<string> UriCases() =>
        [.. SigV4TestSuite.CaseNames().Where(n => !NotRepresentableAsUri.Contains(n))];

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Suite_case_matches_canonical_request_string_to_sign_and_authorization(string name)
    {
        var testCase = SigV4TestSuite.Load(name);
        var request = testCase.Request;
        var time = DateTimeOffset.ParseExact(request.Header("X-Amz-Date")!, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        var signature = SigV4Signer.Sign(
            request.Method,
            request.Path,
            request.Query,
            request.Headers.Select(h => new KeyValuePair<string, IEnumerable<string>>(h.Key, [h.Value])),
            SigV4Signer.HexSha256(Encoding.UTF8.GetBytes(request.Body)),
            CredentialsFor(testCase),
            SigV4TestSuite.Region,
            SigV4TestSuite.Service,
            time);

        Assert.Equal(testCase.CanonicalRequest, signature.CanonicalRequest);
        Assert.Equal(testCase.StringToSign, signature.StringToSign);
        Assert.Equal(testCase.Authorization, signature.Authorization);
    }

    [Theory]
    [MemberData(nameof(UriCases))]
    public async Task Suite_case_signed_as_an_HttpRequestMessage_gets_the_expected_authorization(string name)
    {
        var testCase = SigV4TestSuite.Load(name);
        var raw = testCase.Request;
        var target = raw.Path + (raw.Query.Length > 0 ? "?" + raw.Query : string.Empty);
        using var message = new HttpRequestMessage(new HttpMethod(raw.Method), new Uri("https://" + raw.Header("Host") + target));
        if (raw.Body.Length > 0 || raw.Header("Content-Type") is not null)
        {
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(raw.Body));
        }

        foreach (var (header, value) in raw.Headers)
        {
            // Host comes from the URI, the date from the clock and the token from the credentials.
            if (header is "Host" or "X-Amz-Date" or "X-Amz-Security-Token")
            {
                continue;
            }

            if (header == "Content-Type")
            {
                message.Content!.Headers.TryAddWithoutValidation(header, value);
            }
            else
            {
                Assert.True(message.Headers.TryAddWithoutValidation(header, value));
            }
        }

        await new SigV4Signer(new FakeTimeProvider(SuiteTime))
            .SignAsync(message, CredentialsFor(testCase), SigV4TestSuite.Region, SigV4TestSuite.Service, CancellationToken.None);

        Assert.Equal(testCase.Authorization, string.Join(",", message.Headers.GetValues("Authorization")));
        Assert.Equal("20150830T123600Z", Assert.Single(message.Headers.GetValues("X-Amz-Date")));
    }

    // The same vectors as literals, so the signer is checked where the suite is absent.
    [Theory]
    [InlineData("GET", "/", "", null, null, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData("POST", "/", "Param1=value1", null, null, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11")]
    [InlineData("GET", "/", "Param-3=Value3&Param=Value2&%E1%88%B4=Value1", null, null, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac")]
    [InlineData("GET", "/", "", VanillaSessionToken, null, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8")]
    [InlineData("GET", "/", "", null, "My-Header1: value1|My-Header2: \"a   b   c\"", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736")]
    public async Task Known_vectors_sign_without_the_suite(string method, string path, string query, string? token, string? extraHeaders, string expectedAuthorization)
    {
        using var message = new HttpRequestMessage(new HttpMethod(method), new Uri($"https://example.amazonaws.com{path}{(query.Length > 0 ? "?" + query : "")}"));
        foreach (var header in (extraHeaders ?? string.Empty).Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            message.Headers.TryAddWithoutValidation(header[..colon], header[(colon + 1)..]);
        }

        await new SigV4Signer(new FakeTimeProvider(SuiteTime)).SignAsync(
            message,
            new ImmutableCredentials(SigV4TestSuite.AccessKey, SigV4TestSuite.SecretKey, token),
            SigV4TestSuite.Region,
            SigV4TestSuite.Service,
            CancellationToken.None);

        Assert.Equal(expectedAuthorization, Assert.Single(message.Headers.GetValues("Authorization")));
        Assert.Equal(token is null ? [] : [token], message.Headers.TryGetValues("X-Amz-Security-Token", out var sent) ? sent : []);
    }

    [Fact]
    public async Task Signing_again_replaces_date_and_signature_instead_of_adding_more()
    {
        var clock = new FakeTimeProvider(SuiteTime);
        var signer = new SigV4Signer(clock);
        var credentials = new ImmutableCredentials(SigV4TestSuite.AccessKey, SigV4TestSuite.SecretKey, "token");
        using var message = new HttpRequestMessage(HttpMethod.Post, "https://email.us-east-1.amazonaws.com/v2/email/outbound-emails")
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };

        await signer.SignAsync(message, credentials, "us-east-1", "ses", CancellationToken.None);
        var first = Assert.Single(message.Headers.GetValues("Authorization"));
        clock.Advance(TimeSpan.FromSeconds(5));
        await signer.SignAsync(message, credentials, "us-east-1", "ses", CancellationToken.None);

        var second = Assert.Single(message.Headers.GetValues("Authorization"));
        Assert.NotEqual(first, second);
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,", second, StringComparison.Ordinal);
        Assert.Equal("20150830T123605Z", Assert.Single(message.Headers.GetValues("X-Amz-Date")));
        Assert.Single(message.Headers.GetValues("X-Amz-Security-Token"));
    }

    [Fact]
    public void The_suite_is_found_beside_the_repository()
    {
        Assert.True(SigV4TestSuite.Directory is not null, SigV4TestSuite.LocationHint);
        Assert.True(SigV4TestSuite.CaseNames().Count() >= 30, "The SigV4 suite looks incomplete.");
    }

    // The suite's .sreq shows the token each case signs with; post-sts-header-after adds it only
    // after signing, so that case is signed with the keys alone.
    private static ImmutableCredentials CredentialsFor(SigV4Case testCase)
    {
        var token = testCase.Name.EndsWith("post-sts-header-after", StringComparison.Ordinal)
            ? null
            : testCase.SignedRequest.Header("X-Amz-Security-Token");
        return new ImmutableCredentials(SigV4TestSuite.AccessKey, SigV4TestSuite.SecretKey, token);
    }
}
