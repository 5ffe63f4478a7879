using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Payments;
using BookingAws.Workers.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;

namespace BookingAws.Workers.Payments;

public static class PaymentWorkerServiceCollectionExtensions
{
    /// <summary>
    /// The workers' payment side: Stripe options (the <c>Stripe</c> section, validated on start), the
    /// payment services and the reconciliation job (<c>PaymentReconciliation</c> section). Adds the
    /// booking data sources and clocks only if the host has not already.
    /// </summary>
    public static IServiceCollection AddPaymentWorkers(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, DataSources.Primary)))
        {
            services.AddBookingData(configuration);
        }

        services.TryAddSingleton<IClock>(SystemClock.Instance);
        services.TryAddSingleton(TimeProvider.System);
        services.AddPayments();
        services.AddHostedService<PaymentReconciliationJob>();
        return services;
    }
}
