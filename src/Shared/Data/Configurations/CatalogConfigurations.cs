using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Catalog;
using BookingAws.Shared.Domain.Customers;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Domain.Tenants;
using BookingAws.Shared.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingAws.Shared.Data.Configurations;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> b)
    {
        b.HasIndex(t => t.Slug).IsUnique();
        b.Property(t => t.Slug).HasMaxLength(63);
        b.Property(t => t.Name).HasMaxLength(200);
        b.Property(t => t.TimeZone).HasMaxLength(64);
        b.Property(t => t.Currency).HasMaxLength(3).IsFixedLength();
        b.Property(t => t.StripeAccountId).HasMaxLength(255);
        b.Property(t => t.Version).IsRowVersion();
        b.ComplexProperty(t => t.Policy, p => p.Property(x => x.RefundRule).HasConversion<string>().HasMaxLength(32));

        // The private calendar feed's secret, kept only as its hash (a leaked table opens no feed).
        b.Property<byte[]?>(BookingCalendar.FeedTokenHashProperty).HasMaxLength(32);
        b.HasIndex(BookingCalendar.FeedTokenHashProperty).IsUnique().HasFilter("calendar_feed_token_hash IS NOT NULL");
    }
}

internal sealed class StaffUserConfiguration : IEntityTypeConfiguration<StaffUser>
{
    public void Configure(EntityTypeBuilder<StaffUser> b)
    {
        // A person may work for several businesses: emails and people are unique per business.
        b.HasIndex(u => new { u.TenantId, u.Email }).IsUnique();
        b.HasIndex(u => new { u.PersonId, u.TenantId }).IsUnique().HasFilter("person_id IS NOT NULL");

        // Invitations waiting for their person, found by the email a signing-in person verified.
        b.HasIndex(u => u.Email).HasFilter("person_id IS NULL");
        b.Property(u => u.Email).HasMaxLength(254);
        b.Property(u => u.Name).HasMaxLength(200);
        b.Property(u => u.Role).HasMaxLength(16);
        b.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Person>().WithMany().HasForeignKey(u => u.PersonId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> b)
    {
        b.ToTable("people");
        b.HasIndex(p => p.CognitoSub).IsUnique();
        b.Property(p => p.CognitoSub).HasMaxLength(128);
        b.Property(p => p.Email).HasMaxLength(254);
    }
}

internal sealed class InventoryItemConfiguration : IEntityTypeConfiguration<InventoryItem>
{
    public void Configure(EntityTypeBuilder<InventoryItem> b)
    {
        b.HasIndex(i => i.TenantId);
        b.Property(i => i.Name).HasMaxLength(200);
        b.Property(i => i.Version).IsRowVersion();
        b.ToTable(t => t.HasCheckConstraint("ck_inventory_items_quantity", "quantity >= 0"));
        b.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PackageConfiguration : IEntityTypeConfiguration<Package>
{
    public void Configure(EntityTypeBuilder<Package> b)
    {
        b.HasIndex(p => p.TenantId);
        b.Property(p => p.Name).HasMaxLength(200);
        b.Property(p => p.Description).HasMaxLength(4000);
        b.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
        b.Property(p => p.Version).IsRowVersion();
        b.ToTable(t =>
        {
            t.HasCheckConstraint("ck_packages_duration", "duration_minutes > 0");
            t.HasCheckConstraint("ck_packages_price", "price_minor >= 0");
            t.HasCheckConstraint("ck_packages_max_seats", "max_seats > 0");
        });
        b.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.OwnsMany(p => p.Inventory, i =>
        {
            i.ToTable("package_inventory");
            i.WithOwner().HasForeignKey(x => x.PackageId);
            i.HasKey(x => new { x.PackageId, x.InventoryItemId });
            i.HasOne<InventoryItem>().WithMany().HasForeignKey(x => x.InventoryItemId).OnDelete(DeleteBehavior.Restrict);
            i.ToTable(t => t.HasCheckConstraint("ck_package_inventory_units", "units > 0"));
        });
    }
}

internal sealed class OpeningHoursConfiguration : IEntityTypeConfiguration<OpeningHours>
{
    public void Configure(EntityTypeBuilder<OpeningHours> b)
    {
        b.HasIndex(h => new { h.TenantId, h.Day });
        b.Property(h => h.Day).HasConversion<int>();
        b.ToTable(t => t.HasCheckConstraint("ck_opening_hours_interval", "opens < closes"));
        b.HasOne<Tenant>().WithMany().HasForeignKey(h => h.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ClosureConfiguration : IEntityTypeConfiguration<Closure>
{
    public void Configure(EntityTypeBuilder<Closure> b)
    {
        b.HasIndex(c => new { c.TenantId, c.StartDate });
        b.Property(c => c.Reason).HasMaxLength(500);
        b.ToTable(t => t.HasCheckConstraint("ck_closures_range", "start_date <= end_date"));
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.HasIndex(c => new { c.TenantId, c.Email }).IsUnique();
        b.Property(c => c.Email).HasMaxLength(254);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Phone).HasMaxLength(40);
        b.Property(c => c.Notes).HasMaxLength(4000);
        b.Property(c => c.Version).IsRowVersion();
        b.HasIndex(c => new { c.PersonId, c.TenantId }).HasFilter("person_id IS NOT NULL");
        b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Person>().WithMany().HasForeignKey(c => c.PersonId).OnDelete(DeleteBehavior.Restrict);
    }
}
