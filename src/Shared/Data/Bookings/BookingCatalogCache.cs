using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;
using Microsoft.Extensions.Caching.Memory;
using NodaTime;
using Npgsql;
using static BookingAws.Shared.Data.Bookings.BookingSql;

namespace BookingAws.Shared.Data.Bookings;

internal sealed record PackageRow(Guid Id, int DurationMinutes, long PriceMinor, string Currency, int MaxSeats);

/// <summary>What a booking change needs to know about its business and package besides capacity.</summary>
internal sealed class BookingCatalog
{
    public Tenant? Tenant { get; set; }

    /// <summary>The tenant's policy as the snapshot a new booking stores, serialised once per cache entry.</summary>
    public string? PolicySnapshotJson { get; set; }

    public PackageRow? Package { get; set; }
    public List<(Guid Item, int Units, bool PerSeat)> Items { get; } = [];
    public List<OpeningInterval> Hours { get; } = [];
    public List<ClosedRange> Closures { get; } = [];

    /// <summary>The offered slot starting at <paramref name="start"/>, if any, under the tenant's current policy.</summary>
    public Slot? OfferedSlot(Instant start, Instant now)
    {
        var zone = DateTimeZoneProviders.Tzdb[Tenant!.TimeZone];
        var date = start.InZone(zone).Date;
        return SlotCalculator
            .Slots(zone, Tenant.Policy, Duration.FromMinutes(Package!.DurationMinutes), Hours, Closures, date, date, now)
            .FirstOrDefault(s => s.Start == start);
    }
}

/// <summary>
/// What a hold needs to know about the business and package before taking locks. It changes rarely, so
/// it is kept for <see cref="CacheFor"/>: a new opening-hours rule, closure, price or policy reaches
/// holds within that time. Capacity is never cached; quantities and allocations are read under lock.
/// </summary>
public sealed class BookingCatalogCache : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly MemoryCache catalog = new(new MemoryCacheOptions());

    internal async Task<BookingCatalog> ForHoldAsync(NpgsqlConnection connection, string tenantSlug, Guid packageId, CancellationToken ct)
    {
        var key = (tenantSlug, packageId);
        if (catalog.TryGetValue(key, out BookingCatalog? cached))
        {
            return cached!;
        }

        var loaded = await LoadBySlugAsync(connection, tenantSlug, packageId, ct);
        if (loaded.Tenant is not null && loaded.Package is not null)
        {
            catalog.Set(key, loaded, CacheFor);
        }

        return loaded;
    }

    public void Dispose() => catalog.Dispose();

    /// <summary>One round trip for everything a hold needs before it takes locks.</summary>
    private static async Task<BookingCatalog> LoadBySlugAsync(NpgsqlConnection connection, string tenantSlug, Guid packageId, CancellationToken ct)
    {
        const string TenantBySlug = "(SELECT id FROM tenants WHERE slug = $1)";
        await using var batch = new NpgsqlBatch(connection);

        // Runs before any scope exists (the hold learns its business here): the batch scopes itself to the
        // slug's business, for this batch's implicit transaction only. Its one row is skipped below.
        batch.BatchCommands.Add(Command(
            $"SELECT set_config('{RowScope.ScopeSetting}', 'tenant', true), set_config('{RowScope.TenantSetting}', coalesce({TenantBySlug}::text, ''), true)",
            tenantSlug));
        batch.BatchCommands.Add(Command($"SELECT {TenantColumns} FROM tenants WHERE slug = $1", tenantSlug));
        batch.BatchCommands.Add(Command(
            $"SELECT id, duration_minutes, price_minor, currency, max_seats FROM packages WHERE id = $2 AND tenant_id = {TenantBySlug} AND NOT archived",
            tenantSlug,
            packageId));
        batch.BatchCommands.Add(Command("SELECT inventory_item_id, units, per_seat FROM package_inventory WHERE package_id = $1", packageId));
        batch.BatchCommands.Add(Command($"SELECT day, opens, closes FROM opening_hours WHERE tenant_id = {TenantBySlug}", tenantSlug));
        batch.BatchCommands.Add(Command(
            $"SELECT start_date, end_date FROM closures WHERE tenant_id = {TenantBySlug} AND end_date >= current_date - 2",
            tenantSlug));

        var context = new BookingCatalog();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        if (await reader.ReadAsync(ct))
        {
            context.Tenant = ReadTenant(reader);
            context.PolicySnapshotJson = ToJson(PolicySnapshot.Of(context.Tenant.Policy));
        }

        await reader.NextResultAsync(ct);
        await ReadPackageAndCalendarAsync(reader, context, ct);
        return context;
    }

    /// <summary>The package, its inventory use and the calendar around <paramref name="around"/>, uncached (changes are rare and not hot).</summary>
    internal static async Task<BookingCatalog> LoadForChangeAsync(
        NpgsqlConnection connection, Guid tenantId, Guid packageId, Instant around, Tenant tenant, CancellationToken ct)
    {
        await using var batch = RowScope.Batch(connection);
        batch.BatchCommands.Add(Command("SELECT id, duration_minutes, price_minor, currency, max_seats FROM packages WHERE id = $1 AND tenant_id = $2", packageId, tenantId));
        batch.BatchCommands.Add(Command("SELECT inventory_item_id, units, per_seat FROM package_inventory WHERE package_id = $1", packageId));
        batch.BatchCommands.Add(Command("SELECT day, opens, closes FROM opening_hours WHERE tenant_id = $1", tenantId));
        batch.BatchCommands.Add(Command(
            "SELECT start_date, end_date FROM closures WHERE tenant_id = $1 AND start_date <= $2::timestamptz::date + 2 AND end_date >= $2::timestamptz::date - 2",
            tenantId,
            around));
        var context = new BookingCatalog { Tenant = tenant };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await ReadPackageAndCalendarAsync(reader, context, ct);
        return context;
    }

    /// <summary>Reads, in order, the package row, its inventory use, the opening hours and the closures.</summary>
    private static async Task ReadPackageAndCalendarAsync(NpgsqlDataReader reader, BookingCatalog context, CancellationToken ct)
    {
        if (await reader.ReadAsync(ct))
        {
            context.Package = new PackageRow(reader.GetGuid(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt32(4));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            context.Items.Add((reader.GetGuid(0), reader.GetInt32(1), reader.GetBoolean(2)));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            context.Hours.Add(new OpeningInterval((IsoDayOfWeek)reader.GetInt32(0), reader.GetFieldValue<LocalTime>(1), reader.GetFieldValue<LocalTime>(2)));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            context.Closures.Add(new ClosedRange(reader.GetFieldValue<LocalDate>(0), reader.GetFieldValue<LocalDate>(1)));
        }
    }
}
