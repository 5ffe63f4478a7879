using System.ComponentModel.DataAnnotations;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Identity;
using BookingAws.Shared.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Npgsql;

namespace BookingAws.Api.Features.Staff;

/// <param name="Email">Where the invitation goes; they sign in with this address (verified by the user pool).</param>
/// <param name="Name">How the business calls them; optional.</param>
/// <param name="Role"><c>staff</c> (the day's work) or <c>owner</c> (also staff, keys, webhooks and settings).</param>
public sealed record StaffInviteRequest(
    [Required, EmailAddress, StringLength(254)] string Email,
    [StringLength(200)] string? Name,
    [Required, AllowedValues(Roles.Owner, Roles.Staff, ErrorMessage = "The role must be 'owner' or 'staff'.")] string Role);

public sealed record StaffRoleRequest(
    [Required, AllowedValues(Roles.Owner, Roles.Staff, ErrorMessage = "The role must be 'owner' or 'staff'.")] string Role);

/// <param name="Status"><c>invited</c> until the person first signs in with the email, then <c>active</c>.</param>
public sealed record StaffMemberDto(Guid Id, string Email, string Name, string Role, string Status, DateTimeOffset CreatedAt)
{
    public static StaffMemberDto From(StaffUser m) => new(m.Id, m.Email, m.Name, m.Role, m.Status, m.CreatedAt.ToDateTimeOffset());
}

/// <summary>
/// The business's members, managed by its owners: invite by email, change a role, remove. A removed member loses
/// access with their next request (memberships are read from the primary on every request). The business always
/// keeps an owner.
/// </summary>
public static class StaffEndpoints
{
    public static void MapStaffEndpoints(this RouteGroupBuilder dashboard)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        var group = dashboard.MapGroup("/staff").WithTags("Staff").RequireAuthorization(Policies.Owner);
        group.MapGet("/", List).WithName("ListStaff");
        group.MapPost("/", Invite).WithName("InviteStaff");
        group.MapPut("/{id:guid}", ChangeRole).WithName("ChangeStaffRole");
        group.MapDelete("/{id:guid}", Remove).WithName("RemoveStaff");
    }

    /// <summary>
    /// From the primary: an owner who just invited or removed someone must see it at once. staff_users is a directory
    /// read before a business is in scope, so no row-level security stands behind the query filter here: every query of
    /// this class names the business itself as well.
    /// </summary>
    public static async Task<Ok<List<StaffMemberDto>>> List(TenantContext scope, BookingDbContext db, CancellationToken ct)
    {
        var members = await db.StaffUsers.AsNoTracking().Where(m => m.TenantId == scope.Tenant.Id).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync(ct);
        return TypedResults.Ok(members.ConvertAll(StaffMemberDto.From));
    }

    /// <summary>
    /// Makes the invitee a user of the pool (Cognito emails a new user a temporary password; an existing user keeps
    /// theirs), then writes the membership and the invitation event in one transaction; the workers email the
    /// invitation with the dashboard's address. The membership waits, <c>invited</c>, until a person with this
    /// verified email signs in. An address already on this business's staff is 409: the email is unique per
    /// business only, so the answer says nothing about other businesses.
    /// </summary>
    public static async Task<Created<StaffMemberDto>> Invite(
        StaffInviteRequest request,
        TenantContext scope,
        Caller caller,
        BookingDbContext db,
        CognitoClient cognito,
        [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource primary,
        IClock clock,
        CancellationToken ct)
    {
        var email = request.Email.Trim().ToLowerInvariant();
        if (await db.StaffUsers.AnyAsync(m => m.TenantId == scope.Tenant.Id && m.Email == email, ct))
        {
            throw AlreadyMember();
        }

        try
        {
            await cognito.EnsureUserAsync(email, password: null, ct);
        }
        catch (CognitoUnavailableException e)
        {
            throw Caller.Unavailable(e);
        }
        catch (CognitoException e) when (e.Code is "InvalidParameterException")
        {
            throw DomainException.Invalid("email", "The sign-in service does not accept this address; check it.");
        }

        var inviterId = (await caller.MembershipAsync(scope.Tenant.Id, ct))?.StaffUserId;
        var inviter = await db.StaffUsers.AsNoTracking().Where(m => m.TenantId == scope.Tenant.Id && m.Id == inviterId).Select(m => new { m.Name, m.Email }).FirstOrDefaultAsync(ct);
        var member = new StaffUser
        {
            TenantId = scope.Tenant.Id,
            Email = email,
            Name = request.Name?.Trim() ?? "",
            Role = request.Role,
            CreatedAt = clock.GetCurrentInstant(),
        };
        var invited = new StaffInvited(
            member.TenantId, member.Id, member.Email, member.Role, inviter is null ? "An owner" : inviter.Name.Length > 0 ? inviter.Name : inviter.Email);

        await using var connection = await primary.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var batch = RowScope.Batch(connection, tx);
        var insert = new NpgsqlBatchCommand("INSERT INTO staff_users (id, tenant_id, person_id, email, name, role, created_at) VALUES ($1, $2, NULL, $3, $4, $5, $6)");
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = member.Id });
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = member.TenantId });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = member.Email });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = member.Name });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = member.Role });
        insert.Parameters.Add(new NpgsqlParameter<Instant> { TypedValue = member.CreatedAt });
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(Outbox.Insert(invited, member.CreatedAt));
        try
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Invited twice at once: the second invitation finds the first.
            throw AlreadyMember();
        }

        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/tenants/{scope.Tenant.Slug}/staff/{member.Id}", StaffMemberDto.From(member));
    }

    /// <summary>Takes effect with the member's next request. Demoting the last owner is 409.</summary>
    public static async Task<Results<Ok<StaffMemberDto>, NotFound>> ChangeRole(
        Guid id, StaffRoleRequest request, TenantContext scope, BookingDbContext db, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var owners = await LockOwnersAsync(db, scope.Tenant.Id, ct);
        var member = await db.StaffUsers.FirstOrDefaultAsync(m => m.TenantId == scope.Tenant.Id && m.Id == id, ct);
        if (member is null)
        {
            return TypedResults.NotFound();
        }

        if (request.Role != Roles.Owner && member.RefuseLeavingOwners(owners) is { } refusal)
        {
            throw LastOwner(refusal);
        }

        member.Role = request.Role;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(StaffMemberDto.From(member));
    }

    /// <summary>
    /// Removes the membership (an invitation not yet taken up included): the person keeps their sign-in, which may
    /// serve other businesses, but this business answers them as a stranger from their next request. Removing the
    /// last owner is 409. API keys the member made stay the business's.
    /// </summary>
    public static async Task<Results<NoContent, NotFound>> Remove(Guid id, TenantContext scope, BookingDbContext db, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var owners = await LockOwnersAsync(db, scope.Tenant.Id, ct);
        var member = await db.StaffUsers.FirstOrDefaultAsync(m => m.TenantId == scope.Tenant.Id && m.Id == id, ct);
        if (member is null)
        {
            return TypedResults.NotFound();
        }

        if (member.RefuseLeavingOwners(owners) is { } refusal)
        {
            throw LastOwner(refusal);
        }

        db.StaffUsers.Remove(member);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The business's owners, locked until the transaction ends (two owners demoting or removing each other at once
    /// take turns, and the second sees the first's change, so the business cannot lose its last owner in a race); the
    /// number of them who have signed in.
    /// </summary>
    private static async Task<int> LockOwnersAsync(BookingDbContext db, Guid tenantId, CancellationToken ct) =>
        (await db.Database.SqlQuery<bool>($"SELECT person_id IS NOT NULL AS \"Value\" FROM staff_users WHERE tenant_id = {tenantId} AND role = 'owner' FOR UPDATE").ToListAsync(ct))
        .Count(active => active);

    private static DomainException AlreadyMember() =>
        new(StatusCodes.Status409Conflict, "Already a member", "This email is already on the business's staff (invited or active).", "email");

    private static DomainException LastOwner(string detail) => new(StatusCodes.Status409Conflict, "Last owner", detail, "role");
}
