using System.Runtime.CompilerServices;

namespace BookingAws.Api.Tests.Abuse;

/// <summary>
/// The whole suite signs up and books from 127.0.0.1, through every API factory it has: the abuse limits stay
/// on (every hold still passes through them) but far above what the suite sends. Set as environment variables,
/// which every factory's configuration reads; the tests in this folder set low limits of their own on top.
/// </summary>
internal static class SuiteLimits
{
    [ModuleInitializer]
    internal static void Raise()
    {
        foreach (var limit in new[] { "Holds__PerIp", "Holds__PerEmail", "Holds__PerBusiness", "SignUps__PerIp", "SignUps__PerEmail", "BookingLinks__PerIp", "SignInCodes__PerIp", "SignInCodes__PerEmail" })
        {
            Environment.SetEnvironmentVariable($"RateLimits__{limit}__PermitLimit", "1000000");
        }
    }
}
