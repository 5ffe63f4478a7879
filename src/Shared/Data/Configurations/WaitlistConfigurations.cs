using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Catalog;
using BookingAws.Shared.Domain.Customers;
using BookingAws.Shared.Domain.Tenants;
using BookingAws.Shared.Domain.Waitlists;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingAws.Shared.Data.Configurations;

internal sealed class WaitlistEntryConfiguration : IEntityTypeConfiguration<WaitlistEntry>
{
    public void Configure(EntityTypeBuilder<WaitlistEntry> b)
    {
        b.Property(x => x.Status).HasMaxLength(16);

        // One waiting entry per customer (an email, per business) and slot; a second join is answered with the first.
        b.HasIndex(x => new { x.TenantId, x.PackageId, x.StartsAt, x.CustomerId }).IsUnique().HasFilter("status = 'waiting'")
            .HasDatabaseName("ux_waitlist_entries_waiting_customer");

        // The queue of one slot, in join order: read under the inventory lock by every offer, and by the hold's guard.
        b.HasIndex(x => new { x.TenantId, x.PackageId, x.StartsAt, x.CreatedAt }).HasFilter("status = 'waiting'")
            .HasDatabaseName("ix_waitlist_entries_queue");
        b.HasIndex(x => x.BookingId).HasFilter("booking_id IS NOT NULL");
        b.ToTable(t =>
        {
            t.HasCheckConstraint("ck_waitlist_entries_status", "status IN ('waiting','offered','left','closed')");
            t.HasCheckConstraint("ck_waitlist_entries_seats", "seats > 0");
            t.HasCheckConstraint("ck_waitlist_entries_offer", "(status = 'offered') = (booking_id IS NOT NULL)");
        });
        b.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Package>().WithMany().HasForeignKey(x => x.PackageId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Booking>().WithMany().HasForeignKey(x => x.BookingId).OnDelete(DeleteBehavior.Restrict);
    }
}
