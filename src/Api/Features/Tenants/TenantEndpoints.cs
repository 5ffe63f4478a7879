using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Domain.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace BookingAws.Api.Features.Tenants;

public static class TenantEndpoints
{
    /// <summary>Sign-up is public; the rest is the business's own settings.</summary>
    public static void MapTenantEndpoints(this IEndpointRouteBuilder api, RouteGroupBuilder dashboard)
    {
        api.MapPost("/tenants", SignUp).WithName("SignUpBusiness").AllowAnonymous();

        dashboard.MapGet("/", GetTenant).WithName("GetTenant");
        dashboard.MapPut("/", UpdateTenant).WithName("UpdateTenant").RequireAuthorization(Policies.Owner);
        dashboard.MapGet("/policy", GetPolicy).WithName("GetBookingPolicy");
        dashboard.MapPut("/policy", UpdatePolicy).WithName("UpdateBookingPolicy").RequireAuthorization(Policies.Owner);
    }

    public static async Task<Created<SignUpResponse>> SignUp(SignUpRequest request, BookingDbContext db, IClock clock, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var tenant = new Tenant
        {
            Slug = request.Slug,
            Name = request.Name.Trim(),
            TimeZone = request.TimeZone,
            Currency = request.Currency,
            CreatedAt = now,
        };
        var owner = new StaffUser
        {
            TenantId = tenant.Id,
            Email = request.OwnerEmail.Trim().ToLowerInvariant(),
            Name = request.OwnerName.Trim(),
            Role = Roles.Owner,
            CreatedAt = now,
        };
        db.Tenants.Add(tenant);
        db.StaffUsers.Add(owner);

        // A taken slug or owner email is a unique violation, mapped to 409 by the exception handler.
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/tenants/{tenant.Slug}", new SignUpResponse(TenantDto.From(tenant), owner.Id));
    }

    public static Ok<TenantDto> GetTenant(TenantContext scope) => TypedResults.Ok(TenantDto.From(scope.Tenant));

    public static async Task<Ok<TenantDto>> UpdateTenant(
        UpdateTenantRequest request, TenantContext scope, BookingDbContext db, ReadSession reads, CancellationToken ct)
    {
        var tenant = await db.Tenants.FindAsync([scope.Tenant.Id], ct) ?? throw new InvalidOperationException("Tenant vanished.");
        tenant.Name = request.Name.Trim();
        tenant.TimeZone = request.TimeZone;
        tenant.StripeAccountId = string.IsNullOrWhiteSpace(request.StripeAccountId) ? null : request.StripeAccountId.Trim();
        await db.SaveChangesAsync(ct);
        await reads.RecordWriteAsync(ct);
        return TypedResults.Ok(TenantDto.From(tenant));
    }

    public static Ok<BookingPolicyDto> GetPolicy(TenantContext scope) => TypedResults.Ok(BookingPolicyDto.From(scope.Tenant.Policy));

    public static async Task<Ok<BookingPolicyDto>> UpdatePolicy(
        BookingPolicyDto request, TenantContext scope, BookingDbContext db, ReadSession reads, CancellationToken ct)
    {
        var tenant = await db.Tenants.FindAsync([scope.Tenant.Id], ct) ?? throw new InvalidOperationException("Tenant vanished.");
        tenant.Policy = request.ToDomain();
        await db.SaveChangesAsync(ct);
        await reads.RecordWriteAsync(ct);
        return TypedResults.Ok(BookingPolicyDto.From(tenant.Policy));
    }
}
