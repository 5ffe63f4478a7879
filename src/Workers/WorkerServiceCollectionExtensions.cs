using BookingAws.Shared.Application.Bookings;
using BookingAws.Shared.Caching;
using BookingAws.Shared.Data;
using BookingAws.Shared.Data.Retention;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Messaging;
using BookingAws.Shared.Realtime;
using BookingAws.Workers.Analytics;
using BookingAws.Workers.Email;
using BookingAws.Workers.Handlers;
using BookingAws.Workers.Jobs;
using BookingAws.Workers.Outbox;
using BookingAws.Workers.Payments;
using BookingAws.Workers.Sqs;
using BookingAws.Workers.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace BookingAws.Workers;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>Everything the workers host runs: the outbox relay, one consumer per configured queue with its
    /// handlers (mapped explicitly by wire name), the local reminder and retention timers, and their dependencies.</summary>
    public static TBuilder AddWorkerServices<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddBookingData(builder.Configuration, systemScope: true);
        services.AddPaymentWorkers(builder.Configuration);
        services.AddSqs();
        services.AddSesEmail();
        services.AddBookingLinks();
        services.AddAvailabilityPush(builder.Configuration.GetConnectionString("Redis") ?? "127.0.0.1:56379");
        services.AddCacheInvalidation(builder.Configuration.GetConnectionString("Redis") ?? "127.0.0.1:56379");
        services.AddSingleton<QueueResolver>();
        services.AddSingleton<TemplateRenderer>();
        services.AddScoped<BookingEmailServices>();
        services.AddSingleton<OnceEmailSender>();
        services.AddSingleton<SuppressionList>();
        services.AddSingleton<BookingAnalyticsProjection>();
        services.AddSingleton<OutboxRelay>();
        services.AddSingleton<OutboxWakeup>();
        services.AddSingleton<AvailabilityPushCoalescer>();
        services.AddSingleton<ReminderScheduler>();
        services.AddSingleton<RetentionPurge>();
        services.AddSingleton<IValidateOptions<WorkerOptions>, RetentionOptionsValidator>();
        services.TryAddSingleton<IClock>(SystemClock.Instance);
        services.TryAddSingleton(TimeProvider.System);
        services.AddBookingCore();
        services.AddWebhookDelivery(builder.Configuration);
        services.AddOptions<BookingSweepOptions>().BindConfiguration(BookingSweepOptions.Section);
        services.AddHostedService<BookingSweepService>();

        // A route without its handler (or a handler without a route) is a deployment error: refuse to start.
        var registry = MessageHandlers();
        registry.EnsureMatches(MessageTopology.Deliveries, MessageTopology.Queues);
        services.AddSingleton(registry);
        foreach (var handler in registry.HandlerTypes)
        {
            services.AddScoped(handler);
        }

        var settings = builder.Configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new WorkerOptions();
        if (settings.Relay.Enabled)
        {
            services.AddHostedService<OutboxRelayService>();
            if (settings.Relay.Listen)
            {
                services.AddSingleton<OutboxListener>();
                services.AddHostedService(sp => sp.GetRequiredService<OutboxListener>());
            }
        }

        if (settings.Consumers.Enabled)
        {
            var unknown = settings.Consumers.QueuesOrDefault.Where(q => MessageTopology.Find(q) is null).ToList();
            if (unknown.Count > 0)
            {
                throw new InvalidOperationException(
                    $"Workers:Consumers:Queues names {string.Join(", ", unknown)}, which MessageTopology does not declare ({string.Join(", ", MessageTopology.Queues.Select(q => q.Name))}).");
            }

            foreach (var queue in settings.Consumers.QueuesOrDefault)
            {
                services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<SqsQueueConsumer>(sp, queue));
            }
        }

        // Locally nothing runs EventBridge Scheduler: timers send the declared schedules' messages instead.
        if (settings.Reminders.LocalTimerEnabled)
        {
            LocalScheduleTimer.Add(services, RemindersDue.WireName, settings.Reminders.LocalTimerInterval);
        }

        if (settings.Retention.LocalTimerEnabled ?? builder.Environment.IsDevelopment())
        {
            LocalScheduleTimer.Add(services, RetentionPurgeDue.WireName, settings.Retention.LocalTimerInterval);
        }

        services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Consumers.ShutdownGrace + TimeSpan.FromSeconds(10));
        return builder;
    }

    /// <summary>Every message handler, one line each: which handler takes which message on which queue. Must match
    /// <see cref="MessageTopology"/> exactly (see <see cref="HandlerRegistry.Mismatches"/>).</summary>
    public static HandlerRegistry MessageHandlers() =>
        new HandlerRegistry()
        .AddMessageHandler<GuestEmailProofHandler, BookingHeld>(MessageTopology.Notifications)
        .AddMessageHandler<BookingConfirmedHandler, BookingConfirmed>(MessageTopology.Notifications)
        .AddMessageHandler<BookingCancelledHandler, BookingCancelled>(MessageTopology.Notifications)
        .AddMessageHandler<BookingRescheduledHandler, BookingRescheduled>(MessageTopology.Notifications)
        .AddMessageHandler<BookingReminderDueHandler, BookingReminderDue>(MessageTopology.Notifications)
        .AddMessageHandler<PaymentRefundedHandler, PaymentRefunded>(MessageTopology.Notifications)
        .AddMessageHandler<WaitlistOfferHandler, WaitlistOfferMade>(MessageTopology.Notifications)
        .AddMessageHandler<CustomerSignInCodeHandler, CustomerSignInRequested>(MessageTopology.Notifications)
        .AddMessageHandler<StaffInvitedHandler, StaffInvited>(MessageTopology.Notifications)
        .AddMessageHandler<RemindersDueHandler, RemindersDue>(MessageTopology.Notifications)
        .AddMessageHandler<PaymentReconciliationDueHandler, PaymentReconciliationDue>(MessageTopology.Payments)
        .AddMessageHandler<RetentionPurgeDueHandler, RetentionPurgeDue>(MessageTopology.Analytics)
        .AddMessageHandler<BookingAnalyticsHandler, BookingConfirmed>(MessageTopology.Analytics)
        .AddMessageHandler<BookingAnalyticsHandler, BookingCancelled>(MessageTopology.Analytics)
        .AddMessageHandler<BookingAnalyticsHandler, BookingRescheduled>(MessageTopology.Analytics)
        .AddMessageHandler<BookingAnalyticsHandler, BookingHeld>(MessageTopology.Analytics)
        .AddMessageHandler<BookingAnalyticsHandler, BookingExpired>(MessageTopology.Analytics)
        .AddMessageHandler<BookingAnalyticsHandler, BookingCompleted>(MessageTopology.Analytics)
        .AddMessageHandler<AvailabilityPushHandler, BookingHeld>(MessageTopology.Availability)
        .AddMessageHandler<AvailabilityPushHandler, BookingConfirmed>(MessageTopology.Availability)
        .AddMessageHandler<AvailabilityPushHandler, BookingCancelled>(MessageTopology.Availability)
        .AddMessageHandler<AvailabilityPushHandler, BookingExpired>(MessageTopology.Availability)
        .AddMessageHandler<AvailabilityPushHandler, BookingRescheduled>(MessageTopology.Availability)
        .AddMessageHandler<AvailabilityPushHandler, BookingAttendanceMarked>(MessageTopology.Availability)
        .AddMessageHandler<WebhookFanOutHandler, BookingHeld>(MessageTopology.Webhooks)
        .AddMessageHandler<WebhookFanOutHandler, BookingConfirmed>(MessageTopology.Webhooks)
        .AddMessageHandler<WebhookFanOutHandler, BookingCancelled>(MessageTopology.Webhooks)
        .AddMessageHandler<WebhookFanOutHandler, BookingExpired>(MessageTopology.Webhooks)
        .AddMessageHandler<WebhookFanOutHandler, BookingRescheduled>(MessageTopology.Webhooks)
        .AddMessageHandler<WebhookFanOutHandler, BookingCompleted>(MessageTopology.Webhooks)
        .AddMessageHandler<WebhookFanOutHandler, BookingAttendanceMarked>(MessageTopology.Webhooks)
        .AddMessageHandler<WebhookFanOutHandler, PaymentRefunded>(MessageTopology.Webhooks)
        .AddMessageHandler<WebhookFanOutHandler, PaymentSucceeded>(MessageTopology.Webhooks)
        .AddMessageHandler<WebhookFanOutHandler, CustomerCreated>(MessageTopology.Webhooks)
        .AddMessageHandler<WebhookFanOutHandler, CustomerUpdated>(MessageTopology.Webhooks)
        .AddRawMessageHandler<EmailEventsHandler>(MessageTopology.EmailEvents);
}
