using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Catalog;
using BookingAws.Shared.Domain.Customers;
using BookingAws.Shared.Domain.Tenants;
using BookingAws.Shared.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingAws.Shared.Data.Configurations;

internal sealed class BookingConfiguration : IEntityTypeConfiguration<Booking>
{
    public void Configure(EntityTypeBuilder<Booking> b)
    {
        b.Property(x => x.Status).HasMaxLength(16);
        b.Property(x => x.Currency).HasMaxLength(3).IsFixedLength();
        b.Property(x => x.CancelledBy).HasMaxLength(16);
        b.Property(x => x.CancelReason).HasMaxLength(500);
        b.Property(x => x.PaymentIntentId).HasMaxLength(255);
        b.Property(x => x.EmailProof).HasMaxLength(16);

        // Rows are inserted by SQL that predates attendance (holds, waiting-list offers): they start out expected.
        b.Property(x => x.Attendance).HasMaxLength(16).HasDefaultValue(BookingAttendance.Expected);

        // Wrong one-time codes so far; counted by SQL only (the model needs no more than the limit).
        b.Property<int>("EmailProofFailures").HasDefaultValue(0);

        // The booking's calendar revision (iCalendar SEQUENCE): raised by SQL when its time changes or it is cancelled,
        // so every invitation, update and cancellation sent carries a higher number than the last.
        b.Property<int>(BookingCalendar.SequenceProperty).HasDefaultValue(0);

        // Nullable while the previous release may still insert rows without it (migration BookingPolicySnapshot).
        b.Property(x => x.Policy)
            .HasColumnName("policy_snapshot")
            .HasColumnType("jsonb")
            .HasConversion(p => BookingSql.ToJson(p!), json => BookingSql.FromJson(json)!);
        b.HasIndex(x => new { x.TenantId, x.StartsAt });
        b.HasIndex(x => new { x.CustomerId, x.StartsAt });
        b.HasIndex(x => x.ExpiresAt).HasFilter("status = 'held'");

        // The hold counts a customer's running holds (the per-email cap) on the hot path; a regular customer may have
        // thousands of bookings but only a few holds, so only holds are indexed.
        b.HasIndex(x => x.CustomerId).HasFilter("status = 'held'").HasDatabaseName("ix_bookings_customer_id_held");
        b.HasIndex(x => x.EndsAt).HasFilter("status = 'confirmed'");
        b.HasIndex(x => x.PaymentIntentId).IsUnique().HasFilter("payment_intent_id IS NOT NULL");
        b.HasIndex(x => new { x.TenantId, x.ReceiptNumber }).IsUnique().HasFilter("receipt_number IS NOT NULL");
        b.ToTable(t =>
        {
            t.HasCheckConstraint("ck_bookings_status", "status IN ('held','confirmed','completed','cancelled','expired')");
            t.HasCheckConstraint("ck_bookings_seats", "seats > 0");
            t.HasCheckConstraint("ck_bookings_window", "starts_at < ends_at");
            t.HasCheckConstraint("ck_bookings_attendance", "attendance IN ('expected','checked-in','no-show')");
        });
        b.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Package>().WithMany().HasForeignKey(x => x.PackageId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class BookingAllocationConfiguration : IEntityTypeConfiguration<BookingAllocation>
{
    public void Configure(EntityTypeBuilder<BookingAllocation> b)
    {
        b.HasKey(x => new { x.BookingId, x.InventoryItemId });

        // The capacity check scans one item's allocations that overlap a window.
        b.HasIndex(x => new { x.InventoryItemId, x.OccupiedFrom, x.OccupiedTo });
        b.ToTable(t =>
        {
            t.HasCheckConstraint("ck_booking_allocations_units", "units > 0");
            t.HasCheckConstraint("ck_booking_allocations_window", "occupied_from < occupied_to");

            // The overlap reads rely on it (OccupiedWindow.MaxSpan): a longer row could be missed and oversold.
            t.HasCheckConstraint("ck_booking_allocations_span", $"occupied_to - occupied_from <= interval '{(int)OccupiedWindow.MaxSpan.TotalMinutes} minutes'");
        });
        b.HasOne<Booking>().WithMany().HasForeignKey(x => x.BookingId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<InventoryItem>().WithMany().HasForeignKey(x => x.InventoryItemId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.ToTable("idempotency_keys");
        b.HasKey(x => new { x.TenantId, x.Key });
        b.Property(x => x.Key).HasMaxLength(255);
        b.Property(x => x.RequestHash).HasMaxLength(64);
        // text, not jsonb: a replay must return the stored answer byte for byte.
        b.Property(x => x.ResponseBody).HasColumnType("text");
        b.HasIndex(x => x.CreatedAt);
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.Property(x => x.Type).HasMaxLength(100);
        b.Property(x => x.Payload).HasColumnType("jsonb");
        b.Property(x => x.TraceParent).HasMaxLength(128);
        b.Property(x => x.CorrelationId).HasMaxLength(128);
        b.Property(x => x.LastError).HasMaxLength(2000);

        // The relay reads only unsent rows, oldest first.
        b.HasIndex(x => x.OccurredAt).HasFilter("sent_at IS NULL").HasDatabaseName("ix_outbox_messages_unsent");

        // The retention purge finds sent rows by age; unsent rows (the hot insert) stay out of this index.
        b.HasIndex(x => x.SentAt).HasFilter("sent_at IS NOT NULL").HasDatabaseName("ix_outbox_messages_sent");
    }
}

internal sealed class InboxMessageConfiguration : IEntityTypeConfiguration<InboxMessage>
{
    public void Configure(EntityTypeBuilder<InboxMessage> b)
    {
        b.HasKey(x => new { x.MessageId, x.Consumer });
        b.Property(x => x.Consumer).HasMaxLength(100);
        b.HasIndex(x => x.ProcessedAt);
    }
}
