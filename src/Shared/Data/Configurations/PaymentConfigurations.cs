using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Payments;
using BookingAws.Shared.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingAws.Shared.Data.Configurations;

internal sealed class BookingPaymentConfiguration : IEntityTypeConfiguration<BookingPayment>
{
    public void Configure(EntityTypeBuilder<BookingPayment> b)
    {
        b.HasKey(x => x.BookingId);
        b.Property(x => x.PaymentIntentId).HasMaxLength(255);
        b.Property(x => x.Status).HasMaxLength(32);
        b.Property(x => x.ChargeId).HasMaxLength(255);
        // Not unique: concurrent upserts of one booking may race on it, and bookings.payment_intent_id
        // already is unique.
        b.HasIndex(x => x.PaymentIntentId).HasFilter("payment_intent_id IS NOT NULL");
        b.HasOne<Booking>().WithOne().HasForeignKey<BookingPayment>(x => x.BookingId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PaymentRefundConfiguration : IEntityTypeConfiguration<PaymentRefund>
{
    public void Configure(EntityTypeBuilder<PaymentRefund> b)
    {
        b.HasKey(x => new { x.BookingId, x.Reason });
        b.Property(x => x.Reason).HasMaxLength(64);
        b.Property(x => x.PaymentIntentId).HasMaxLength(255);
        b.Property(x => x.Currency).HasMaxLength(3).IsFixedLength();
        b.Property(x => x.Status).HasMaxLength(32);
        b.Property(x => x.StripeRefundId).HasMaxLength(255);
        b.HasIndex(x => x.StripeRefundId).IsUnique().HasFilter("stripe_refund_id IS NOT NULL");
        b.HasIndex(x => x.CreatedAt).HasFilter("status = 'pending'");
        b.ToTable(t => t.HasCheckConstraint("ck_payment_refunds_amount", "amount_minor > 0"));
        b.HasOne<Booking>().WithMany().HasForeignKey(x => x.BookingId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class StripeEventRecordConfiguration : IEntityTypeConfiguration<StripeEventRecord>
{
    public void Configure(EntityTypeBuilder<StripeEventRecord> b)
    {
        b.ToTable("stripe_events");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(255);
        b.Property(x => x.Type).HasMaxLength(100);
        b.Property(x => x.PaymentIntentId).HasMaxLength(255);
        b.HasIndex(x => x.ReceivedAt);
    }
}
