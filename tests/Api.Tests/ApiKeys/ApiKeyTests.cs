using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using BookingAws.Api.Features.ApiKeys;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Customers;
using BookingAws.Api.Features.Inventory;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Staff;
using Microsoft.AspNetCore.Mvc;

namespace BookingAws.Api.Tests.ApiKeys;

/// <summary>
/// A business's own software calling the API with a key the owner made: what each scope may do, that the key
/// is shown once and kept only as a hash, its last use, revocation and its own rate limit.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ApiKeyTests(ApiFactory api)
{
    [Fact]
    public async Task A_key_is_shown_once_kept_only_as_its_hash_and_listed_by_name_scope_and_hint()
    {
        var t = await api.CreateTenantAsync();
        var made = await CreateAsync(t, "CRM sync", ApiKeyScopes.Read);

        Assert.StartsWith("bka_", made.Key, StringComparison.Ordinal);
        Assert.Equal(("CRM sync", "read", (DateTimeOffset?)null, (DateTimeOffset?)null), (made.ApiKey.Name, made.ApiKey.Scope, made.ApiKey.LastUsedAt, made.ApiKey.RevokedAt));
        var listed = await ListAsync(t);
        Assert.Equal(made.ApiKey.Hint, Assert.Single(listed).Hint);
        Assert.True(made.Key.Length > made.ApiKey.Hint.Length + 40, "the hint must not be most of the key");

        var listing = await (await t.Owner.GetAsync(t.Url("/api-keys"))).Content.ReadAsStringAsync();
        Assert.DoesNotContain(made.Key[^20..], listing, StringComparison.Ordinal);

        // The database holds the key's SHA-256 and nothing from which the key could be read back.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(made.Key));
        Assert.Equal(1, await Ledger.ScalarAsync("SELECT count(*)::int FROM api_keys WHERE id = $1 AND secret_hash = $2", made.ApiKey.Id, hash));
        Assert.Equal(0, await Ledger.ScalarAsync("SELECT count(*)::int FROM api_keys WHERE strpos(api_keys::text, $1) > 0", made.Key[^20..]));
    }

    [Fact]
    public async Task A_read_key_reads_the_business_a_write_key_also_changes_bookings_and_neither_touches_owner_settings()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 2, priceMinor: 0);
        var booking = await (await s.HoldAsync(s.Tenant.Owner, s.Guest(BookingScenario.SlotOnDay(3, 10)))).ReadAsync<BookingDto>(HttpStatusCode.Created);
        var read = api.ClientWithToken((await CreateAsync(s.Tenant, "reports", ApiKeyScopes.Read)).Key);
        var write = api.ClientWithToken((await CreateAsync(s.Tenant, "crm", ApiKeyScopes.Write)).Key);

        // Reads go to the replica, and read-your-writes is the owner's, not the key's: wait for the business to arrive.
        var items = await Eventually.Until(async () => await (await read.GetAsync(s.Tenant.Url("/inventory"))).ReadAsync<List<InventoryItemDto>>(), found => found.Count > 0);
        Assert.Equal(2, Assert.Single(items).Quantity);
        // The same for the hold.
        var seen = await Eventually.Until(async () => (await read.GetAsync($"/api/v1/bookings/{booking.Id}")).StatusCode, status => status == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, seen);

        var customer = new CustomerRequest("crm@example.test", "From the CRM", null, null);
        var refused = await read.PostAsJsonAsync(s.Tenant.Url("/customers"), customer, ApiFactory.Json);
        await refused.ShouldBe(HttpStatusCode.Forbidden);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        await (await read.PostAsJsonAsync($"/api/v1/bookings/{booking.Id}/cancel", new CancelRequest(null), ApiFactory.Json)).ShouldBe(HttpStatusCode.NotFound);

        await (await write.PostAsJsonAsync(s.Tenant.Url("/customers"), customer, ApiFactory.Json)).ShouldBe(HttpStatusCode.Created);
        var cancelled = await (await write.PostAsJsonAsync($"/api/v1/bookings/{booking.Id}/cancel", new CancelRequest("moved to the CRM"), ApiFactory.Json)).ReadAsync<BookingDto>();
        Assert.Equal(BookingStatus.Cancelled, cancelled.Status);

        // Owner-only: the catalogue, the business's settings and the keys themselves.
        await (await write.PostAsJsonAsync(s.Tenant.Url("/inventory"), new InventoryItemRequest("Sneaky", 1), ApiFactory.Json)).ShouldBe(HttpStatusCode.Forbidden);
        await (await write.PostAsJsonAsync(s.Tenant.Url("/api-keys"), new ApiKeyRequest("more", ApiKeyScopes.Write), ApiFactory.Json)).ShouldBe(HttpStatusCode.Forbidden);

        // A key is not a person: it has no bookings of its own and no businesses to list.
        await (await write.GetAsync("/api/v1/me/bookings")).ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Use_is_recorded_revoking_stops_the_key_at_once_and_another_business_key_finds_nothing()
    {
        var t = await api.CreateTenantAsync();
        var other = await api.CreateTenantAsync();
        var made = await CreateAsync(t, "site", ApiKeyScopes.Read);
        var kept = await CreateAsync(t, "backup", ApiKeyScopes.Read);
        var key = api.ClientWithToken(made.Key);

        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await (await key.GetAsync(t.Url("/inventory"))).ShouldBe(HttpStatusCode.OK);
        var used = (await ListAsync(t)).Single(k => k.Id == made.ApiKey.Id);
        Assert.True(used.LastUsedAt >= before, $"last used {used.LastUsedAt} is not since {before}");
        Assert.Null((await ListAsync(t)).Single(k => k.Id == kept.ApiKey.Id).LastUsedAt);

        await (await key.GetAsync(other.Url("/inventory"))).ShouldBe(HttpStatusCode.NotFound);

        await (await t.Owner.DeleteAsync(t.Url($"/api-keys/{made.ApiKey.Id}"))).ShouldBe(HttpStatusCode.NoContent);
        var revoked = await key.GetAsync(t.Url("/inventory"));
        await revoked.ShouldBe(HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", (await revoked.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);
        Assert.NotNull((await ListAsync(t)).Single(k => k.Id == made.ApiKey.Id).RevokedAt);
        await (await api.ClientWithToken(kept.Key).GetAsync(t.Url("/inventory"))).ShouldBe(HttpStatusCode.OK);

        // A mistyped key (one character changed) is refused like a revoked one.
        var typo = kept.Key[..^1] + (kept.Key[^1] == 'A' ? 'B' : 'A');
        await (await api.ClientWithToken(typo).GetAsync(t.Url("/inventory"))).ShouldBe(HttpStatusCode.Unauthorized);
        await (await t.Owner.DeleteAsync(other.Url($"/api-keys/{kept.ApiKey.Id}"))).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_key_over_its_own_limit_is_answered_429_with_retry_after_and_the_business_other_keys_are_not()
    {
        var t = await api.CreateTenantAsync();
        var busy = api.ClientWithToken((await CreateAsync(t, "runaway script", ApiKeyScopes.Read, requestsPerMinute: 3)).Key);
        var calm = api.ClientWithToken((await CreateAsync(t, "nightly export", ApiKeyScopes.Read, requestsPerMinute: 3)).Key);

        for (var i = 0; i < 3; i++)
        {
            await (await busy.GetAsync(t.Url("/inventory"))).ShouldBe(HttpStatusCode.OK);
        }

        var limited = await busy.GetAsync(t.Url("/inventory"));
        await limited.ShouldBe(HttpStatusCode.TooManyRequests);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { TotalSeconds: >= 1 and <= 60 }, $"Retry-After was {retryAfter}");
        var problem = (await limited.Content.ReadFromJsonAsync<ProblemDetails>())!;
        Assert.Equal(429, problem.Status);
        Assert.Contains("3 requests a minute", problem.Detail, StringComparison.Ordinal);

        await (await calm.GetAsync(t.Url("/inventory"))).ShouldBe(HttpStatusCode.OK);
        await (await t.Owner.GetAsync(t.Url("/inventory"))).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_bad_request_names_the_field_and_makes_no_key()
    {
        var t = await api.CreateTenantAsync();
        var response = await t.Owner.PostAsJsonAsync(t.Url("/api-keys"), new { name = "x", scope = "admin" }, ApiFactory.Json);
        await response.ShouldBe(HttpStatusCode.BadRequest);
        var problem = (await response.Content.ReadFromJsonAsync<ValidationProblemDetails>())!;
        Assert.Contains("scope", problem.Errors.Keys);
        Assert.Empty(await ListAsync(t));
    }

    private static async Task<CreatedApiKey> CreateAsync(TestTenant t, string name, string scope, int? requestsPerMinute = null)
    {
        var response = await t.Owner.PostAsJsonAsync(t.Url("/api-keys"), new ApiKeyRequest(name, scope, requestsPerMinute), ApiFactory.Json);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return await response.ReadAsync<CreatedApiKey>(HttpStatusCode.Created);
    }

    private static async Task<List<ApiKeyDto>> ListAsync(TestTenant t) =>
        await (await t.Owner.GetAsync(t.Url("/api-keys"))).ReadAsync<List<ApiKeyDto>>();
}
