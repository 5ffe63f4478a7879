using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BookingAws.Workers.Webhooks;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>The fan-out's and the delivery loop's dependencies, and the loop itself unless <c>Webhooks:Enabled</c> is false.</summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Its own clock (the system's unless a test put a fake one first), so tests can pass days without stalling other timers.
        services.TryAddKeyedSingleton(WebhookOptions.Clock, TimeProvider.System);
        services.AddSingleton<WebhookWakeup>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookOutcomes>();
        services.AddSingleton<WebhookOwnerNotices>();
        services.AddSingleton<WebhookDeliveryService>();
        if (configuration.GetValue(WebhookOptions.Section + ":Enabled", true))
        {
            services.AddHostedService(sp => sp.GetRequiredService<WebhookDeliveryService>());
        }

        return services;
    }
}
