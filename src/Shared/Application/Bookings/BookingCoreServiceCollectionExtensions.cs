using BookingAws.Shared.Application.Payments;
using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Data.Waitlists;
using BookingAws.Shared.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BookingAws.Shared.Application.Bookings;

public static class BookingCoreServiceCollectionExtensions
{
    /// <summary>
    /// The booking core both hosts use: the use cases (hold, prove a guest's email, confirm, cancel,
    /// reschedule, mark attendance, expire, complete), their persistence, and payments (Stripe options validated on start; the host that
    /// receives webhooks also needs <c>Stripe:WebhookSecret</c>). Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddBookingCore(this IServiceCollection services, bool receivesWebhooks = false)
    {
        if (services.Any(d => d.ServiceType == typeof(HoldBooking)))
        {
            return services;
        }

        services.TryAddSingleton<BookingCatalogCache>();
        services.TryAddSingleton<OutboxWaker>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxWaker>());
        services.TryAddSingleton<HoldTransaction>();
        services.TryAddSingleton<BookingChanges>();
        services.TryAddSingleton<BookingSweeps>();
        services.TryAddSingleton<BookingReads>();
        services.TryAddSingleton<AvailabilityReads>();
        services.TryAddSingleton<HoldBooking>();
        services.TryAddSingleton<ConfirmBooking>();
        services.TryAddSingleton<CancelBooking>();
        services.TryAddSingleton<RescheduleBooking>();
        services.TryAddSingleton<MarkBookingAttendance>();
        services.TryAddSingleton<ExpireHolds>();
        services.TryAddSingleton<CompleteBookings>();
        services.TryAddSingleton<EmailProofStore>();
        services.TryAddSingleton<ProveGuestEmail>();
        services.TryAddSingleton<WaitlistStore>();
        services.AddPayments(receivesWebhooks);
        return services;
    }
}
