using BookingAws.Shared.Aws;
using Microsoft.Extensions.Options;

namespace BookingAws.Workers.Email;

/// <summary>Signs every SES v2 call (SigV4, service <c>ses</c>) in the region of <see cref="SesOptions.Region"/>.</summary>
internal sealed class SesSigningHandler(SigV4Signer signer, AwsCredentialsSource credentials, IOptions<SesOptions> options)
    : AwsSigningHandler(signer, credentials)
{
    internal const string SigningName = "ses";

    protected override string ServiceName => SigningName;

    protected override string Region => options.Value.Region;
}
