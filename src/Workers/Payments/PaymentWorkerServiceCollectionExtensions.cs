using BookingAws.Shared.Application.Bookings;
using BookingAws.Shared.Application.Payments;
using BookingAws.Shared.Data;
using BookingAws.Workers.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;

namespace BookingAws.Workers.Payments;

public static class PaymentWorkerServiceCollectionExtensions
{
    /// <summary>
    /// The workers' payment side: Stripe options (the <c>Stripe</c> section, validated on start), the
    /// payment services, the reconciliation timer job (<c>PaymentReconciliation</c> section; off with
    /// <c>PaymentReconciliation:TimerEnabled=false</c>) and the handler for the scheduled tick, which the
    /// host maps on the payments queue. Adds the booking data sources and clocks only if the host has not
    /// already, so call it after the host's own registrations.
    /// </summary>
    public static IServiceCollection AddPaymentWorkers(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.Any(d => d.IsKeyedService && Equals(d.ServiceKey, DataSources.Primary)))
        {
            services.AddBookingData(configuration, systemScope: true);
        }

        services.TryAddSingleton<IClock>(SystemClock.Instance);
        services.TryAddSingleton(TimeProvider.System);
        services.AddBookingCore();
        services.AddScoped<PaymentReconciliationDueHandler>();
        if (configuration.GetValue($"{PaymentReconciliationOptions.Section}:TimerEnabled", true))
        {
            // Locally (and as a safety net in AWS) a timer runs it; the scheduled tick does the same work.
            services.AddHostedService<PaymentReconciliationJob>();
        }

        return services;
    }
}
