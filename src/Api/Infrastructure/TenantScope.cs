using BookingAws.Shared.Caching;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace BookingAws.Api.Infrastructure;

/// <summary>The business a request is about, resolved once from the route's slug.</summary>
public sealed class TenantContext
{
    private Tenant? _tenant;

    public Tenant Tenant => _tenant ?? throw new InvalidOperationException("No tenant was resolved for this request.");

    internal void Set(Tenant tenant) => _tenant = tenant;
}

/// <summary>
/// Resolves <c>{slug}</c> to a tenant and scopes both data contexts (query filters) and the database
/// (row-level security, <see cref="DatabaseScope"/>) to it. For dashboard routes the
/// caller must be a member of that business (the authorization policy has checked the role; this is the
/// last guard before data is touched); anyone else gets the same 404 as for a business that does not
/// exist, so slugs of other tenants cannot be probed.
/// </summary>
internal sealed class TenantScopeFilter(bool requireMembership) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var slug = http.GetRouteValue("slug") as string;
        var services = http.RequestServices;
        var primary = services.GetRequiredService<BookingDbContext>();

        var tenant = slug is null ? null
            : requireMembership ? await primary.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Slug == slug, http.RequestAborted)
            : await CachedTenantAsync(services, slug, http.RequestAborted);
        if (tenant is null
            || (requireMembership && slug is not null && (await services.GetRequiredService<Caller>().MembershipAsync(slug, http.RequestAborted))?.TenantId != tenant.Id))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No business '{slug}'.");
        }

        services.GetRequiredService<TenantContext>().Set(tenant);
        primary.TenantId = tenant.Id;
        services.GetRequiredService<ReadDbContext>().TenantId = tenant.Id;
        System.Diagnostics.Activity.Current?.SetTag("tenant.id", tenant.Id);
        using (DatabaseScope.Tenant(tenant.Id))
        using (Serilog.Context.LogContext.PushProperty("TenantId", tenant.Id))
        {
            return await next(context);
        }
    }

    /// <summary>
    /// Public pages find their business through the read cache. The dashboard reads the primary: an owner who
    /// just changed the policy must see it, and those requests are few. An unknown slug is not cached, so a
    /// new business is found at once.
    /// </summary>
    private static async Task<Tenant?> CachedTenantAsync(IServiceProvider services, string slug, CancellationToken ct)
    {
        var snapshot = await services.GetRequiredService<ReadCache>().GetOrCreateAsync(
            CacheName.Tenant,
            $"tenant:slug:{slug}",
            async token =>
            {
                await using var owned = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
                var found = await owned.ServiceProvider.GetRequiredService<BookingDbContext>().Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Slug == slug, token);
                return found is null ? null : TenantSnapshot.Of(found);
            },
            services.GetRequiredService<IOptions<CacheOptions>>().Value.TenantFor,
            [CacheTags.TenantSlug(slug)],
            ct);
        if (snapshot is null)
        {
            // Not cached as absent: drop the null entry so a business signed up a moment later is found.
            await services.GetRequiredService<HybridCache>().RemoveAsync($"tenant:slug:{slug}", ct);
        }

        return snapshot?.ToTenant();
    }
}

/// <summary>A tenant as cached: plain JSON-friendly members (NodaTime's Instant as Unix milliseconds).</summary>
internal sealed record TenantSnapshot(
    Guid Id, string Slug, string Name, string TimeZone, string Currency, BookingPolicy Policy, string? StripeAccountId, long CreatedAtUnixMs, uint Version)
{
    public static TenantSnapshot Of(Tenant t) =>
        new(t.Id, t.Slug, t.Name, t.TimeZone, t.Currency, t.Policy, t.StripeAccountId, t.CreatedAt.ToUnixTimeMilliseconds(), t.Version);

    public Tenant ToTenant() => new()
    {
        Id = Id,
        Slug = Slug,
        Name = Name,
        TimeZone = TimeZone,
        Currency = Currency,
        Policy = Policy,
        StripeAccountId = StripeAccountId,
        CreatedAt = NodaTime.Instant.FromUnixTimeMilliseconds(CreatedAtUnixMs),
        Version = Version,
    };
}

/// <summary>
/// On the dashboard's catalogue routes (packages, inventory, hours, closures, the business and its policy):
/// after a successful write, drops everything cached for the business on every instance.
/// </summary>
internal sealed class CatalogueWriteInvalidation : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && Succeeded(result))
        {
            var tenant = http.RequestServices.GetRequiredService<TenantContext>().Tenant;
            await http.RequestServices.GetRequiredService<CacheInvalidation>().TenantChangedAsync(tenant.Id, tenant.Slug, CancellationToken.None);
        }

        return result;
    }

    private static bool Succeeded(object? result)
    {
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        // A result without a status is written as 200.
        return result is not IStatusCodeHttpResult { StatusCode: >= 400 };
    }
}
