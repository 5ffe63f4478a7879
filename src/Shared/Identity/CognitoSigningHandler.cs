using BookingAws.Shared.Email;
using Microsoft.Extensions.Options;

namespace BookingAws.Shared.Identity;

/// <summary>
/// Signs the administrative calls (SigV4, service <c>cognito-idp</c>) just before each attempt, inside the
/// resilience handler so a retry is signed afresh. Sign-in calls are public in Cognito and go unsigned.
/// </summary>
internal sealed class CognitoSigningHandler(SigV4Signer signer, AwsCredentialsSource credentials, IOptions<CognitoOptions> options)
    : DelegatingHandler
{
    internal const string ServiceName = "cognito-idp";

    internal static readonly HttpRequestOptionsKey<bool> Unsigned = new("bookingaws.cognito.unsigned");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(Unsigned, out var unsigned) || !unsigned)
        {
            var current = await credentials.GetAsync(cancellationToken).ConfigureAwait(false);
            await signer.SignAsync(request, current, options.Value.Region, ServiceName, cancellationToken).ConfigureAwait(false);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
