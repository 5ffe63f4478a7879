using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Tenants;
using Microsoft.EntityFrameworkCore;

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

        var tenant = slug is null ? null : await primary.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Slug == slug, http.RequestAborted);
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
}
