using BookingAws.Shared.Application.Bookings;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Email;
using BookingAws.Shared.Messaging;
using BookingAws.Shared.Realtime;
using BookingAws.Workers.Email;
using BookingAws.Workers.Handlers;
using BookingAws.Workers.Jobs;
using BookingAws.Workers.Outbox;
using BookingAws.Workers.Payments;
using BookingAws.Workers.Sqs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace BookingAws.Workers;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>Everything the workers host runs: the outbox relay, one consumer per configured queue with its
    /// handlers (mapped explicitly by wire name), the local reminder timer, and their dependencies.</summary>
    public static TBuilder AddWorkerServices<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddBookingData(builder.Configuration);
        services.AddPaymentWorkers(builder.Configuration);
        services.AddSqs();
        services.AddSesEmail();
        services.AddBookingLinks();
        services.AddAvailabilityPush(builder.Configuration.GetConnectionString("Redis") ?? "127.0.0.1:56379");
        services.AddSingleton<QueueResolver>();
        services.AddSingleton<TemplateRenderer>();
        services.AddScoped<BookingEmailServices>();
        services.AddSingleton<OnceEmailSender>();
        services.AddSingleton<SuppressionList>();
        services.AddSingleton<OutboxRelay>();
        services.AddSingleton<ReminderScheduler>();
        services.TryAddSingleton<IClock>(SystemClock.Instance);
        services.TryAddSingleton(TimeProvider.System);
        services.AddBookingCore();
        services.AddOptions<BookingSweepOptions>().BindConfiguration(BookingSweepOptions.Section);
        services.AddHostedService<BookingSweepService>();

        var registry = new HandlerRegistry()
            .Map<BookingConfirmedHandler>(EventRoutes.Notifications, BookingConfirmed.WireName)
            .Map<BookingCancelledHandler>(EventRoutes.Notifications, BookingCancelled.WireName)
            .Map<BookingRescheduledHandler>(EventRoutes.Notifications, BookingRescheduled.WireName)
            .Map<BookingReminderDueHandler>(EventRoutes.Notifications, BookingReminderDue.WireName)
            .Map<PaymentRefundedHandler>(EventRoutes.Notifications, PaymentRefunded.WireName)
            .Map<RemindersDueHandler>(EventRoutes.Notifications, RemindersDue.WireName)
            .Map<PaymentReconciliationDueHandler>(EventRoutes.Payments, PaymentReconciliationDueHandler.WireName)
            .Map<BookingAnalyticsHandler>(EventRoutes.Analytics, BookingConfirmed.WireName)
            .Map<BookingAnalyticsHandler>(EventRoutes.Analytics, BookingCancelled.WireName)
            .Map<BookingAnalyticsHandler>(EventRoutes.Analytics, BookingRescheduled.WireName)
            .Map<BookingAnalyticsHandler>(EventRoutes.Analytics, BookingHeld.WireName)
            .Map<BookingAnalyticsHandler>(EventRoutes.Analytics, BookingExpired.WireName)
            .Map<BookingAnalyticsHandler>(EventRoutes.Analytics, BookingCompleted.WireName)
            .Map<AvailabilityPushHandler>(EventRoutes.Availability, BookingHeld.WireName)
            .Map<AvailabilityPushHandler>(EventRoutes.Availability, BookingConfirmed.WireName)
            .Map<AvailabilityPushHandler>(EventRoutes.Availability, BookingCancelled.WireName)
            .Map<AvailabilityPushHandler>(EventRoutes.Availability, BookingExpired.WireName)
            .Map<AvailabilityPushHandler>(EventRoutes.Availability, BookingRescheduled.WireName)
            .MapRaw<EmailEventsHandler>(EmailEventsHandler.Queue, q => q.EmailEvents);
        services.AddSingleton(registry);
        foreach (var handler in registry.HandlerTypes)
        {
            services.AddScoped(handler);
        }

        var settings = builder.Configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new WorkerOptions();
        if (settings.Relay.Enabled)
        {
            services.AddHostedService<OutboxRelayService>();
        }

        if (settings.Consumers.Enabled)
        {
            foreach (var queue in settings.Consumers.QueuesOrDefault)
            {
                services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<SqsQueueConsumer>(sp, queue));
            }
        }

        if (settings.Reminders.LocalTimerEnabled)
        {
            services.AddHostedService<LocalReminderTimer>();
        }

        services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Consumers.ShutdownGrace + TimeSpan.FromSeconds(10));
        return builder;
    }
}
