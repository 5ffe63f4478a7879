using BookingAws.Shared.Analytics;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;
using BookingAws.Shared.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingAws.Shared.Data.Configurations;

internal sealed class EmailDeliveryConfiguration : IEntityTypeConfiguration<EmailDelivery>
{
    public void Configure(EntityTypeBuilder<EmailDelivery> b)
    {
        b.HasKey(x => new { x.MessageId, x.Template });
        b.Property(x => x.Template).HasMaxLength(64);
        b.Property(x => x.Recipient).HasMaxLength(254);
        b.Property(x => x.Subject).HasMaxLength(500);
        b.Property(x => x.ProviderMessageId).HasMaxLength(255);
        b.Property(x => x.SuppressedReason).HasMaxLength(16);
        b.HasIndex(x => new { x.TenantId, x.SentAt });

        // The retention purge deletes by age across businesses.
        b.HasIndex(x => x.SentAt);
    }
}

internal sealed class BookingReminderConfiguration : IEntityTypeConfiguration<BookingReminder>
{
    public void Configure(EntityTypeBuilder<BookingReminder> b)
    {
        b.HasKey(x => new { x.BookingId, x.ReminderFor });
        b.HasOne<Booking>().WithMany().HasForeignKey(x => x.BookingId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MessageFailureConfiguration : IEntityTypeConfiguration<MessageFailure>
{
    public void Configure(EntityTypeBuilder<MessageFailure> b)
    {
        b.HasKey(x => new { x.MessageId, x.Queue });
        b.Property(x => x.Queue).HasMaxLength(100);
        b.Property(x => x.Type).HasMaxLength(100);
        b.Property(x => x.LastError).HasMaxLength(4000);
    }
}

internal sealed class TenantDailyStatConfiguration : IEntityTypeConfiguration<TenantDailyStat>
{
    public void Configure(EntityTypeBuilder<TenantDailyStat> b)
    {
        b.ToTable("tenant_daily_stats");
        b.HasKey(x => new { x.TenantId, x.Date, x.PackageId });
        b.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AnalyticsBookingConfiguration : IEntityTypeConfiguration<AnalyticsBooking>
{
    public void Configure(EntityTypeBuilder<AnalyticsBooking> b)
    {
        b.HasKey(x => x.BookingId);
        b.HasIndex(x => x.TenantId);
    }
}
