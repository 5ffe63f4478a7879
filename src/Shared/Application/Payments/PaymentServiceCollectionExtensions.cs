using BookingAws.Shared.Data.Payments;
using BookingAws.Shared.Integrations.Stripe;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BookingAws.Shared.Application.Payments;

public static class PaymentServiceCollectionExtensions
{
    /// <summary>
    /// Stripe options (validated on start), the gateway, and the payment services both hosts use. The
    /// host that receives webhooks also needs <c>Stripe:WebhookSecret</c>.
    /// </summary>
    public static IServiceCollection AddPayments(this IServiceCollection services, bool receivesWebhooks = false)
    {
        services.AddOptions<StripeOptions>().BindConfiguration(StripeOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.AttemptTimeout > TimeSpan.Zero, "Stripe:AttemptTimeout must be positive.")
            .Validate(o => !receivesWebhooks || !string.IsNullOrWhiteSpace(o.WebhookSecret), "Stripe:WebhookSecret is required to verify webhooks.")
            .ValidateOnStart();
        services.AddOptions<PaymentReconciliationOptions>().BindConfiguration(PaymentReconciliationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<StripeGateway>();
        services.TryAddSingleton<PaymentStore>();
        services.TryAddSingleton<PaymentAnomalyStore>();
        services.TryAddSingleton<PaymentAnomalies>();
        services.TryAddSingleton<PaymentService>();
        services.TryAddSingleton<ConfirmPaidInPerson>();
        services.TryAddSingleton<PaymentWebhookHandler>();
        services.TryAddSingleton<PaymentReconciler>();
        return services;
    }
}
