using BookingAws.Shared.Domain.Email;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingAws.Shared.Data.Configurations;

internal sealed class EmailSuppressionConfiguration : IEntityTypeConfiguration<EmailSuppression>
{
    public void Configure(EntityTypeBuilder<EmailSuppression> b)
    {
        b.HasKey(x => x.Id);
        b.Property(x => x.Email).HasMaxLength(254);
        b.Property(x => x.Reason).HasMaxLength(16);
        b.Property(x => x.SourceMessageId).HasMaxLength(255);

        // One row per tenant and address; the platform-wide rows (no tenant) are unique among themselves too.
        b.HasIndex(x => new { x.TenantId, x.Email }).IsUnique().AreNullsDistinct(false);
        b.ToTable(t =>
        {
            t.HasCheckConstraint("ck_email_suppressions_reason", "reason IN ('bounce', 'complaint')");
            t.HasCheckConstraint("ck_email_suppressions_email_lower", "email = lower(email)");
        });
    }
}
