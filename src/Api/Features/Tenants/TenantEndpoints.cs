using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Domain.Tenants;
using BookingAws.Shared.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
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

    /// <summary>
    /// Creates the business and its owner. The owner is first made a user of the pool (or found there, when
    /// they already have an account from another business), then the business, the person and the
    /// membership are written in one transaction: if the pool cannot be reached nothing is written, and a
    /// pool user without a business is harmless (they can sign in and see nothing). Without a password the
    /// pool emails the owner their invitation; the password path serves local use and tests (Auth:PasswordSignUp).
    /// </summary>
    public static async Task<Created<SignUpResponse>> SignUp(
        SignUpRequest request, BookingDbContext db, CognitoClient cognito, IOptions<AuthOptions> auth, IClock clock, CancellationToken ct)
    {
        if (request.OwnerPassword is not null && !auth.Value.PasswordSignUp)
        {
            throw DomainException.Invalid("ownerPassword", "Leave the password out: the owner receives an invitation by email to choose one.");
        }

        var email = request.OwnerEmail.Trim().ToLowerInvariant();
        CognitoUser user;
        try
        {
            user = await cognito.EnsureUserAsync(email, request.OwnerPassword, ct);
        }
        catch (CognitoUnavailableException e)
        {
            throw Caller.Unavailable(e);
        }
        catch (CognitoException e) when (e.Code is "InvalidPasswordException")
        {
            throw DomainException.Invalid("ownerPassword", "Choose a longer password with upper- and lower-case letters, digits and a symbol.");
        }

        var now = clock.GetCurrentInstant();
        var person = await db.People.FirstOrDefaultAsync(p => p.CognitoSub == user.Sub, ct);
        if (person is null)
        {
            person = new Person { CognitoSub = user.Sub, Email = email, CreatedAt = now };
            db.People.Add(person);
        }

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
            PersonId = person.Id,
            Email = email,
            Name = request.OwnerName.Trim(),
            Role = Roles.Owner,
            CreatedAt = now,
        };
        db.Tenants.Add(tenant);
        db.StaffUsers.Add(owner);

        // A taken slug is a unique violation, mapped to 409 by the exception handler. The owner's email
        // is unique per business only, so sign-up never tells whether it is known elsewhere.
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
        tenant.Policy = request.ToDomain(tenant.Policy);
        await db.SaveChangesAsync(ct);
        await reads.RecordWriteAsync(ct);
        return TypedResults.Ok(BookingPolicyDto.From(tenant.Policy));
    }
}
