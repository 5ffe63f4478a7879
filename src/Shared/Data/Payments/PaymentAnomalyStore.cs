using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace BookingAws.Shared.Data.Payments;

/// <summary>Writes <see cref="PaymentAnomaly"/> rows (raw Npgsql, like the other payment writes).</summary>
public sealed class PaymentAnomalyStore([FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db, IClock clock)
{
    public async Task AddAsync(PaymentAnomaly anomaly, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var cmd = BookingSql.Command(
            connection,
            """
            INSERT INTO payment_anomalies (id, kind, tenant_id, booking_id, payment_intent_id, stripe_event_id, detail, occurred_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            Guid.CreateVersion7(),
            anomaly.Kind,
            (object?)anomaly.TenantId ?? DBNull.Value,
            (object?)anomaly.BookingId ?? DBNull.Value,
            (object?)anomaly.PaymentIntentId ?? DBNull.Value,
            (object?)anomaly.StripeEventId ?? DBNull.Value,
            anomaly.Detail,
            clock.GetCurrentInstant());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

internal sealed class PaymentAnomalyConfiguration : IEntityTypeConfiguration<PaymentAnomaly>
{
    public void Configure(EntityTypeBuilder<PaymentAnomaly> b)
    {
        b.ToTable("payment_anomalies");
        b.HasKey(x => x.Id);
        b.Property(x => x.Kind).HasMaxLength(64);
        b.Property(x => x.PaymentIntentId).HasMaxLength(255);
        b.Property(x => x.StripeEventId).HasMaxLength(255);
        b.Property(x => x.Detail).HasMaxLength(1000);
        b.HasIndex(x => x.OccurredAt);
        b.HasIndex(x => x.BookingId).HasFilter("booking_id IS NOT NULL");
    }
}
