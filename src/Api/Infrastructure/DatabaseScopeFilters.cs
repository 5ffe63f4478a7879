using BookingAws.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace BookingAws.Api.Infrastructure;

/// <summary>
/// For routes that name a booking by id (<c>/bookings/{id}</c>…) rather than a business by slug: finds the
/// booking's business in a system-scoped lookup of that one row, then runs the endpoint in that business's
/// <see cref="DatabaseScope"/>. An unknown id leaves no scope, so the endpoint sees no tenant rows and
/// answers as for any missing booking. Who may act on the booking is still the endpoint's own check.
/// </summary>
internal sealed class BookingScopeFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!Guid.TryParse(http.GetRouteValue("id") as string, out var id))
        {
            return await next(context);
        }

        Guid? tenantId;
        using (DatabaseScope.System("the business of a booking named by id"))
        {
            tenantId = await http.RequestServices.GetRequiredService<BookingDbContext>().Bookings.IgnoreQueryFilters()
                .Where(b => b.Id == id).Select(b => (Guid?)b.TenantId).FirstOrDefaultAsync(http.RequestAborted);
        }

        if (tenantId is not { } tenant)
        {
            return await next(context);
        }

        using (DatabaseScope.Tenant(tenant))
        {
            return await next(context);
        }
    }
}

/// <summary>Runs an endpoint that spans businesses by design in the system <see cref="DatabaseScope"/>, naming why.</summary>
internal sealed class SystemScopeFilter(string reason) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        using (DatabaseScope.System(reason))
        {
            return await next(context);
        }
    }
}
