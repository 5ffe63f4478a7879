using System.ComponentModel.DataAnnotations;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Staff;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Api.Features.ApiKeys;

/// <param name="Name">What the key is for ("CRM sync"), so the owner knows which to revoke.</param>
/// <param name="Scope"><c>read</c> (GET only) or <c>write</c> (staff's reads and writes; never the owner's settings).</param>
/// <param name="RequestsPerMinute">This key's limit; the platform's default (<c>RateLimits:ApiKeyRequestsPerMinute</c>) when left out.</param>
public sealed record ApiKeyRequest(
    [Required, StringLength(100, MinimumLength = 1)] string Name,
    [Required, AllowedValues(ApiKeyScopes.Read, ApiKeyScopes.Write, ErrorMessage = "The scope must be 'read' or 'write'.")] string Scope,
    [Range(1, 100_000)] int? RequestsPerMinute = null);

/// <param name="Hint">The key's first characters, to tell keys apart; never enough to use one.</param>
/// <param name="RequestsPerMinute">The key's own limit, or null for the platform's default.</param>
public sealed record ApiKeyDto(
    Guid Id, string Name, string Scope, string Hint, int? RequestsPerMinute, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyDto From(ApiKey k) =>
        new(k.Id, k.Name, k.Scope, k.Hint, k.RequestsPerMinute, k.CreatedAt.ToDateTimeOffset(), k.LastUsedAt?.ToDateTimeOffset(), k.RevokedAt?.ToDateTimeOffset());
}

/// <param name="Key">The key itself, shown this once (only its hash is kept): send it as <c>Authorization: Bearer &lt;key&gt;</c>.</param>
public sealed record CreatedApiKey(ApiKeyDto ApiKey, string Key);

/// <summary>
/// The owner's keys for the business's own software. Made and revoked by the owner only: a key (even a write
/// key) acts as staff, so no key can make another or change the business.
/// </summary>
public static class ApiKeyEndpoints
{
    public static void MapApiKeyEndpoints(this RouteGroupBuilder dashboard)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        var group = dashboard.MapGroup("/api-keys").WithTags("API keys").RequireAuthorization(Policies.Owner);
        group.MapGet("/", List).WithName("ListApiKeys");
        group.MapPost("/", Create).WithName("CreateApiKey");
        group.MapDelete("/{id:guid}", Revoke).WithName("RevokeApiKey");
    }

    /// <summary>From the primary: a key just made or revoked must show so at once, and owners look here rarely.</summary>
    public static async Task<Ok<List<ApiKeyDto>>> List(BookingDbContext db, CancellationToken ct)
    {
        var keys = await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(keys.ConvertAll(ApiKeyDto.From));
    }

    public static async Task<Created<CreatedApiKey>> Create(
        ApiKeyRequest request, TenantContext scope, Caller caller, BookingDbContext db, IClock clock, HttpContext http, CancellationToken ct)
    {
        var (id, key, hash) = ApiKey.NewKey();
        var made = new ApiKey
        {
            Id = id,
            TenantId = scope.Tenant.Id,
            Name = request.Name.Trim(),
            Scope = request.Scope,
            SecretHash = hash,
            RequestsPerMinute = request.RequestsPerMinute,
            CreatedByStaffId = (await caller.MembershipAsync(scope.Tenant.Id, ct))?.StaffUserId,
            CreatedAt = clock.GetCurrentInstant(),
        };
        db.ApiKeys.Add(made);
        await db.SaveChangesAsync(ct);

        // The key is a credential: no cache anywhere may keep this answer.
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"/api/v1/tenants/{scope.Tenant.Slug}/api-keys/{id}", new CreatedApiKey(ApiKeyDto.From(made), key));
    }

    /// <summary>Revoking twice is not an error; the first revocation's time stays.</summary>
    public static async Task<Results<NoContent, NotFound>> Revoke(Guid id, BookingDbContext db, IClock clock, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null)
        {
            return TypedResults.NotFound();
        }

        key.RevokedAt ??= now;
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
