using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace BookingAws.Shared.Aws;

/// <summary>
/// Where the SigV4-signed clients (SES, Cognito) get their AWS credentials: given ones (static keys,
/// tests) or AWSSDK.Core's default chain (environment variables, profile, container or EC2 instance
/// role). The chain's credentials refresh themselves, so each signature asks them again.
/// </summary>
public sealed class AwsCredentialsSource
{
    private readonly AWSCredentials? _fixed;

    public AwsCredentialsSource(AWSCredentials? credentials = null) => _fixed = credentials;

    public async Task<ImmutableCredentials> GetAsync(CancellationToken cancellationToken)
    {
        var credentials = _fixed ?? await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return await credentials.GetCredentialsAsync().ConfigureAwait(false);
    }
}
