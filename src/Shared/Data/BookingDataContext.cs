using System.Reflection;
using BookingAws.Shared.Analytics;
using BookingAws.Shared.Domain;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Catalog;
using BookingAws.Shared.Domain.Customers;
using BookingAws.Shared.Domain.Email;
using BookingAws.Shared.Domain.Payments;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Domain.Tenants;
using BookingAws.Shared.Domain.Waitlists;
using BookingAws.Shared.Identity;
using BookingAws.Shared.Messaging;
using BookingAws.Shared.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace BookingAws.Shared.Data;

/// <summary>
/// The model shared by the write context (primary) and the read context (replica). Every
/// tenant-owned set is filtered on <see cref="TenantId"/>; with no tenant set, those sets are empty,
/// so a forgotten scope fails closed instead of leaking another business's rows.
/// </summary>
public abstract class BookingDataContext(DbContextOptions options) : DbContext(options)
{
    public Guid? TenantId { get; set; }

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<Person> People => Set<Person>();
    public DbSet<StaffUser> StaffUsers => Set<StaffUser>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<InventoryItem> InventoryItems => Set<InventoryItem>();
    public DbSet<Package> Packages => Set<Package>();
    public DbSet<OpeningHours> OpeningHours => Set<OpeningHours>();
    public DbSet<Closure> Closures => Set<Closure>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Booking> Bookings => Set<Booking>();
    public DbSet<BookingAllocation> BookingAllocations => Set<BookingAllocation>();
    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();
    public DbSet<EmailDelivery> EmailDeliveries => Set<EmailDelivery>();
    public DbSet<EmailSuppression> EmailSuppressions => Set<EmailSuppression>();
    public DbSet<BookingReminder> BookingReminders => Set<BookingReminder>();
    public DbSet<MessageFailure> MessageFailures => Set<MessageFailure>();
    public DbSet<TenantDailyStat> TenantDailyStats => Set<TenantDailyStat>();
    public DbSet<AnalyticsBooking> AnalyticsBookings => Set<AnalyticsBooking>();
    public DbSet<BookingPayment> BookingPayments => Set<BookingPayment>();
    public DbSet<PaymentRefund> PaymentRefunds => Set<PaymentRefund>();
    public DbSet<StripeEventRecord> StripeEvents => Set<StripeEventRecord>();
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();
    public DbSet<WaitlistEntry> WaitlistEntries => Set<WaitlistEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BookingDataContext).Assembly);

        var apply = typeof(BookingDataContext).GetMethod(nameof(ApplyTenantFilter), BindingFlags.NonPublic | BindingFlags.Instance)!;
        foreach (var entity in modelBuilder.Model.GetEntityTypes().ToList())
        {
            if (typeof(ITenantOwned).IsAssignableFrom(entity.ClrType))
            {
                apply.MakeGenericMethod(entity.ClrType).Invoke(this, [modelBuilder]);
            }
        }
    }

    private void ApplyTenantFilter<T>(ModelBuilder modelBuilder)
        where T : class, ITenantOwned =>
        modelBuilder.Entity<T>().HasQueryFilter(e => e.TenantId == TenantId);
}

/// <summary>Commands: talks to the primary (Aurora writer).</summary>
public sealed class BookingDbContext(DbContextOptions<BookingDbContext> options) : BookingDataContext(options);

/// <summary>
/// Queries: talks to a replica (Aurora reader), never tracks, and refuses to save, so dashboard
/// reads can never take locks or write on the primary.
/// </summary>
public sealed class ReadDbContext(DbContextOptions<ReadDbContext> options) : BookingDataContext(options)
{
    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        throw new InvalidOperationException("The read context is read-only.");

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("The read context is read-only.");
}
