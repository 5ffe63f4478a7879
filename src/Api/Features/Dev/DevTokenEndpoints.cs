using System.ComponentModel.DataAnnotations;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Staff;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace BookingAws.Api.Features.Dev;

public sealed record DevTokenRequest([Required, EmailAddress] string Email, string? TenantSlug);

public sealed record DevTokenResponse(string Token, string Role, string TenantSlug);

/// <summary>
/// Development only: signs a token for a known staff user or customer by email, standing in for the
/// Cognito sign-in of production. It is not mapped outside Development.
/// </summary>
public static class DevTokenEndpoints
{
    public static void MapDevTokenEndpoints(this IEndpointRouteBuilder api) =>
        api.MapPost("/dev/tokens", IssueToken).WithName("IssueDevToken").WithTags("Development").AllowAnonymous();

    public static async Task<Results<Ok<DevTokenResponse>, NotFound>> IssueToken(
        DevTokenRequest request, BookingDbContext db, TokenIssuer issuer, CancellationToken ct)
    {
        var email = request.Email.Trim().ToLowerInvariant();
        var staff = await db.StaffUsers.IgnoreQueryFilters().FirstOrDefaultAsync(u => u.Email == email, ct);
        if (staff is not null)
        {
            var slug = await db.Tenants.Where(t => t.Id == staff.TenantId).Select(t => t.Slug).SingleAsync(ct);
            return TypedResults.Ok(new DevTokenResponse(issuer.Issue(staff.Id, staff.Email, staff.Role, staff.TenantId), staff.Role, slug));
        }

        var customers = db.Customers.IgnoreQueryFilters().Where(c => c.Email == email);
        if (request.TenantSlug is { } wanted)
        {
            customers = customers.Where(c => db.Tenants.Any(t => t.Id == c.TenantId && t.Slug == wanted));
        }

        var customer = await customers.OrderBy(c => c.CreatedAt).FirstOrDefaultAsync(ct);
        if (customer is null)
        {
            return TypedResults.NotFound();
        }

        var tenantSlug = await db.Tenants.Where(t => t.Id == customer.TenantId).Select(t => t.Slug).SingleAsync(ct);
        return TypedResults.Ok(new DevTokenResponse(
            issuer.Issue(customer.Id, customer.Email, Roles.Customer, customer.TenantId), Roles.Customer, tenantSlug));
    }
}
