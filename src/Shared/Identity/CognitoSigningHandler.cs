using BookingAws.Shared.Aws;
using Microsoft.Extensions.Options;

namespace BookingAws.Shared.Identity;

/// <summary>
/// Signs the administrative calls (SigV4, service <c>cognito-idp</c>). Sign-in calls are public in Cognito and go
/// unsigned: the client marks them with <see cref="Unsigned"/>.
/// </summary>
internal sealed class CognitoSigningHandler(SigV4Signer signer, AwsCredentialsSource credentials, IOptions<CognitoOptions> options)
    : AwsSigningHandler(signer, credentials)
{
    internal const string SigningName = "cognito-idp";

    internal static readonly HttpRequestOptionsKey<bool> Unsigned = new("bookingaws.cognito.unsigned");

    protected override string ServiceName => SigningName;

    protected override string Region => options.Value.Region;

    protected override bool ShouldSign(HttpRequestMessage request) =>
        !request.Options.TryGetValue(Unsigned, out var unsigned) || !unsigned;
}
