using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingAws.Shared.Data.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.Property(k => k.Name).HasMaxLength(100);
        b.Property(k => k.Scope).HasMaxLength(8);
        b.Property(k => k.SecretHash).HasMaxLength(32);
        b.HasIndex(k => new { k.TenantId, k.CreatedAt });
        b.HasOne<Tenant>().WithMany().HasForeignKey(k => k.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StaffUser>().WithMany().HasForeignKey(k => k.CreatedByStaffId).OnDelete(DeleteBehavior.SetNull);
        b.ToTable(t => t.HasCheckConstraint("ck_api_keys_scope", "scope IN ('read', 'write')"));
    }
}
