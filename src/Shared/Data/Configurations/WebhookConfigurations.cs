using BookingAws.Shared.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingAws.Shared.Data.Configurations;

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> b)
    {
        b.HasKey(x => x.Id);
        b.Property(x => x.Url).HasMaxLength(2048);
        b.Property(x => x.Description).HasMaxLength(500);
        b.Property(x => x.EventTypes).HasColumnType("text[]");
        b.Property(x => x.SigningSecret).HasMaxLength(100);
        b.Property(x => x.PreviousSigningSecret).HasMaxLength(100);
        b.Property(x => x.DisabledReason).HasMaxLength(500);
        b.HasIndex(x => x.TenantId);

        // The delivery loop looks for disabled endpoints whose owner has not been told yet.
        b.HasIndex(x => x.DisabledAt).HasFilter("disabled_at IS NOT NULL AND owner_notified_at IS NULL");
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.HasKey(x => x.Id);
        b.Property(x => x.EventType).HasMaxLength(100);
        b.Property(x => x.Payload).HasColumnType("text");
        b.Property(x => x.State).HasMaxLength(16);
        b.Property(x => x.LastError).HasMaxLength(1000);
        b.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(x => x.EndpointId).OnDelete(DeleteBehavior.Cascade);

        // One delivery per event and endpoint: a redelivered SQS message fans out to nothing new.
        b.HasIndex(x => new { x.EndpointId, x.EventId }).IsUnique();

        // The delivery loop's claim: due pending rows, oldest first.
        b.HasIndex(x => x.NextAttemptAt).HasFilter("state = 'pending'");
        b.HasIndex(x => new { x.EndpointId, x.CreatedAt });

        // The retention purge's age condition (settled deliveries only; pending ones are work still to do).
        b.HasIndex(x => x.CreatedAt).HasFilter("state <> 'pending'");
        b.ToTable(t => t.HasCheckConstraint("ck_webhook_deliveries_state", "state IN ('pending', 'delivered', 'failed')"));
    }
}

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> b)
    {
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).UseIdentityAlwaysColumn();
        b.Property(x => x.Error).HasMaxLength(1000);
        b.HasOne<WebhookDelivery>().WithMany().HasForeignKey(x => x.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.DeliveryId, x.AttemptedAt });
    }
}
