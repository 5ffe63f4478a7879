namespace BookingAws.Shared.Aws;

/// <summary>
/// Signs each attempt of a typed HttpClient's request with SigV4 just before it is sent, for the AWS services the
/// SDK cannot call here (SES v2, Cognito). Register it inside the resilience handler, so a retry carries a fresh
/// date and signature (and freshly refreshed role credentials).
/// </summary>
public abstract class AwsSigningHandler(SigV4Signer signer, AwsCredentialsSource credentials) : DelegatingHandler
{
    /// <summary>The signing name of the service, e.g. <c>ses</c> or <c>cognito-idp</c>.</summary>
    protected abstract string ServiceName { get; }

    /// <summary>The region to sign for, read per request so options reloads apply.</summary>
    protected abstract string Region { get; }

    /// <summary>Whether this request is signed; some operations (Cognito sign-in) are public and go unsigned.</summary>
    protected virtual bool ShouldSign(HttpRequestMessage request) => true;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (ShouldSign(request))
        {
            var current = await credentials.GetAsync(cancellationToken).ConfigureAwait(false);
            await signer.SignAsync(request, current, Region, ServiceName, cancellationToken).ConfigureAwait(false);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
