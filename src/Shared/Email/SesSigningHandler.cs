using Microsoft.Extensions.Options;

namespace BookingAws.Shared.Email;

/// <summary>
/// Signs each attempt just before it is sent. It sits inside the resilience handler, so a retry
/// carries a fresh date and signature (and freshly refreshed role credentials).
/// </summary>
internal sealed class SesSigningHandler(SigV4Signer signer, AwsCredentialsSource credentials, IOptions<SesOptions> options)
    : DelegatingHandler
{
    internal const string ServiceName = "ses";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var current = await credentials.GetAsync(cancellationToken).ConfigureAwait(false);
        await signer.SignAsync(request, current, options.Value.Region, ServiceName, cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
