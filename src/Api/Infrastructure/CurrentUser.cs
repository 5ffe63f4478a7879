using System.Linq.Expressions;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using BookingAws.Api.Infrastructure.ApiKeys;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace BookingAws.Api.Infrastructure;

/// <summary>
/// The caller's token subject as a stable key (read-your-writes remembers writes per caller). Cognito's
/// subjects are UUIDs; any other subject is hashed into one. Says nothing about what the caller may do:
/// that is <see cref="Caller"/>'s job.
/// </summary>
public sealed record CurrentUser(Guid Id)
{
    public static CurrentUser? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true || principal.FindFirstValue(Claims.Subject) is not { Length: > 0 } sub)
        {
            return null;
        }

        return ForSubject(sub);
    }

    /// <summary>The key of whoever signs in with tokens for <paramref name="sub"/>.</summary>
    public static CurrentUser ForSubject(string sub) =>
        new(Guid.TryParse(sub, out var id) ? id : new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(sub)).AsSpan(0, 16)));
}

/// <summary>A person's role at one business, from the database.</summary>
/// <param name="StaffUserId">The member, or the API key's id when a key is calling.</param>
public sealed record Membership(Guid TenantId, Guid StaffUserId, string Role);

/// <summary>
/// Who is calling (the person behind the token's subject) and what they are (their memberships), resolved
/// once per request. The subject → person lookup is also kept in memory for a short while, since every
/// authenticated request needs it. A subject seen for the first time (a customer's first sign-in) becomes
/// a person, with the email the user pool holds for them.
/// </summary>
public sealed class Caller(IHttpContextAccessor http, BookingDbContext db, CognitoClient cognito, IMemoryCache cache, TimeProvider time)
{
    private static readonly TimeSpan RememberPeople = TimeSpan.FromMinutes(5);

    private Person? _person;
    private bool _personResolved;
    private readonly Dictionary<Guid, Membership?> _byTenant = [];
    private readonly Dictionary<string, Membership?> _bySlug = new(StringComparer.Ordinal);

    private ClaimsPrincipal? Principal => http.HttpContext?.User is { Identity.IsAuthenticated: true } user ? user : null;

    public bool IsSignedIn => Principal is not null;

    /// <summary>The signed-in person, or null for anonymous callers.</summary>
    public async Task<Person?> PersonAsync(CancellationToken ct)
    {
        if (_personResolved)
        {
            return _person;
        }

        // A business's API key acts for the business, never as a person.
        if (ApiKeyClaims.Of(Principal) is null && Principal?.FindFirstValue(Claims.Subject) is { Length: > 0 } sub)
        {
            _person = await cache.GetOrCreateAsync(("person", sub), async entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = RememberPeople;
                return await FindOrAddAsync(sub, Principal.FindFirstValue(Claims.Username) ?? sub, ct);
            });
        }

        _personResolved = true;
        return _person;
    }

    /// <summary>The caller's membership of the business with this slug, or null.</summary>
    public async Task<Membership?> MembershipAsync(string slug, CancellationToken ct)
    {
        if (_bySlug.TryGetValue(slug, out var known))
        {
            return known;
        }

        var found = ApiKeyClaims.Of(Principal) is { } key
            ? KeyMembership(key, await db.Tenants.AsNoTracking().Where(t => t.Slug == slug).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(ct))
            : await FindMembershipAsync(m => db.Tenants.Any(t => t.Id == m.TenantId && t.Slug == slug), ct);
        _bySlug[slug] = found;
        if (found is not null)
        {
            _byTenant[found.TenantId] = found;
        }

        return found;
    }

    /// <summary>The caller's membership of this business, or null.</summary>
    public async Task<Membership?> MembershipAsync(Guid tenantId, CancellationToken ct)
    {
        if (_byTenant.TryGetValue(tenantId, out var known))
        {
            return known;
        }

        var found = ApiKeyClaims.Of(Principal) is { } key ? KeyMembership(key, tenantId) : await FindMembershipAsync(m => m.TenantId == tenantId, ct);
        _byTenant[tenantId] = found;
        return found;
    }

    /// <summary>
    /// An API key's standing at a business: none but its own; a write key acts as staff (never as the owner, so a key
    /// cannot make keys or change the business), a read key as <see cref="ApiKeyScopes.ReadOnlyRole"/>.
    /// </summary>
    private static Membership? KeyMembership((Guid KeyId, Guid TenantId, string Scope) key, Guid? tenantId) =>
        key.TenantId != tenantId ? null : new Membership(key.TenantId, key.KeyId, key.Scope == ApiKeyScopes.Write ? Roles.Staff : ApiKeyScopes.ReadOnlyRole);

    /// <summary>The caller's staff membership matching <paramref name="business"/>; none without a person.</summary>
    private async Task<Membership?> FindMembershipAsync(Expression<Func<StaffUser, bool>> business, CancellationToken ct)
    {
        var person = await PersonAsync(ct);
        if (person is null)
        {
            return null;
        }

        var personId = person.Id;
        var found = await FindAsync();

        // Someone invited since they last came (or coming for the first time) takes the invitation up on their first call.
        return found is null && await JoinInvitationsAsync(person, ct) > 0 ? await FindAsync() : found;

        Task<Membership?> FindAsync() => db.StaffUsers.IgnoreQueryFilters()
            .Where(m => m.PersonId == personId)
            .Where(business)
            .Select(m => new Membership(m.TenantId, m.Id, m.Role))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Links the memberships waiting for the signed-in person's email (owners' invitations) to them; the number
    /// linked. The email is the one the user pool had verified when the person was first seen, so only someone who
    /// proved the address can take its invitations up. A person already a member of a business under another
    /// address keeps that membership, and the invitation stays waiting.
    /// </summary>
    public async Task<int> JoinInvitationsAsync(CancellationToken ct) => await PersonAsync(ct) is { } person ? await JoinInvitationsAsync(person, ct) : 0;

    private async Task<int> JoinInvitationsAsync(Person person, CancellationToken ct)
    {
        if (person.Email.Length == 0)
        {
            return 0;
        }

        // Across businesses by nature, before any business is in scope; staff_users is a directory without row-level security.
        return await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            UPDATE staff_users s SET person_id = {person.Id}
            WHERE s.email = {person.Email} AND s.person_id IS NULL
              AND NOT EXISTS (SELECT 1 FROM staff_users o WHERE o.person_id = {person.Id} AND o.tenant_id = s.tenant_id)
            """,
            ct);
    }

    /// <summary>Whether the caller is a customer of the business with this slug (they know it exists).</summary>
    public async Task<bool> IsCustomerOfAsync(string slug, CancellationToken ct)
    {
        var person = await PersonAsync(ct);

        // Authorization runs before the request has a business scope: the person's customer rows, by slug.
        using var rowScope = DatabaseScope.System("whether a signed-in person is a customer of a business");
        return person is not null && await db.Customers.IgnoreQueryFilters()
            .AnyAsync(c => c.PersonId == person.Id && db.Tenants.Any(t => t.Id == c.TenantId && t.Slug == slug), ct);
    }

    private async Task<Person?> FindOrAddAsync(string sub, string username, CancellationToken ct)
    {
        var person = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.CognitoSub == sub, ct);
        if (person is not null)
        {
            return person;
        }

        CognitoUser? user;
        try
        {
            user = await cognito.AdminGetUserAsync(username, ct);
        }
        catch (CognitoUnavailableException e)
        {
            throw Unavailable(e);
        }

        if (user is null || user.Sub != sub)
        {
            // A valid token for a user the pool no longer has (deleted since sign-in): nobody.
            return null;
        }

        var email = user.EmailVerified ? user.Email?.Trim().ToLowerInvariant() ?? "" : "";
        var now = NodaTime.Instant.FromDateTimeOffset(time.GetUtcNow());
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO people (id, cognito_sub, email, created_at) VALUES ({Guid.CreateVersion7()}, {sub}, {email}, {now}) ON CONFLICT (cognito_sub) DO NOTHING",
            ct);
        return await db.People.AsNoTracking().FirstAsync(p => p.CognitoSub == sub, ct);
    }

    /// <summary>The user pool could not be asked: the caller should retry, not see a 500.</summary>
    internal static DomainException Unavailable(CognitoUnavailableException e) =>
        new(StatusCodes.Status503ServiceUnavailable, "Sign-in service unavailable", "The sign-in service is not reachable right now; try again shortly.")
        {
            Data = { ["cause"] = e.Message },
        };
}
