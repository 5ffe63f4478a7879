using System.Diagnostics;
using BookingAws.Shared.Hosting;
using IPNetwork = System.Net.IPNetwork;

namespace BookingAws.Api.Infrastructure.Tracing;

internal static class TracingServiceCollectionExtensions
{
    /// <summary>The trust boundary for incoming trace context; see <see cref="TraceContextTrust"/>.</summary>
    public static IServiceCollection AddTraceTrust(this IServiceCollection services)
    {
        services.AddOptions<TraceTrustOptions>().BindConfiguration(TracingOptions.Section)
            .Validate(o => o.TrustedNetworks.All(n => IPNetwork.TryParse(n, out _)), "Tracing:TrustedNetworks must be CIDR ranges such as 127.0.0.0/8.")
            .ValidateOnStart();
        services.AddHttpContextAccessor();
        services.AddSingleton<TraceContextTrust>();
        // Replaces the one the web host registered (it resolves the last registration).
        var framework = DistributedContextPropagator.Current;
        services.AddSingleton<DistributedContextPropagator>(sp => new TrustAwareDistributedContextPropagator(
            framework, sp.GetRequiredService<IHttpContextAccessor>(), sp.GetRequiredService<TraceContextTrust>()));
        TrustAwareTextMapPropagator.Install();
        return services;
    }
}
