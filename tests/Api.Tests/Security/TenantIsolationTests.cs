using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.ApiKeys;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Customers;
using BookingAws.Api.Features.Hours;
using BookingAws.Api.Features.Inventory;
using BookingAws.Api.Features.Packages;
using BookingAws.Api.Features.Staff;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Infrastructure;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Domain.Tenants;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Api.Tests.Security;

/// <summary>
/// Walks every dashboard endpoint the app maps (not a hand-kept list) and calls it as a stranger, as
/// nobody, as a customer, with another business's API key and a read key (writes refused), and, for owner-only
/// endpoints, as staff and with a write key. A new endpoint without a sample body
/// here fails the test, so coverage cannot silently fall behind.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TenantIsolationTests(ApiFactory api)
{
    private const string Prefix = "/api/v1/tenants/{slug}";

    private static readonly Dictionary<string, object> Bodies = new()
    {
        ["PUT /"] = new UpdateTenantRequest("Hijacked", "Europe/London", null),
        ["PUT /policy"] = new BookingPolicyDto(0, 30, 30, 0, 0, 10, 0, 0, RefundRule.None, 0),
        ["POST /inventory/"] = new InventoryItemRequest("Stolen", 1),
        ["PUT /inventory/{id:guid}"] = new InventoryItemRequest("Hijacked", 0),
        ["POST /inventory/{id:guid}/archive"] = new { },
        ["POST /packages/"] = new { name = "Stolen", durationMinutes = 60, priceMinor = 0, maxSeats = 1, inventory = new[] { new { inventoryItemId = Guid.Empty, units = 1, perSeat = false } } },
        ["PUT /packages/{id:guid}"] = new { name = "Hijacked", durationMinutes = 60, priceMinor = 0, maxSeats = 1, inventory = new[] { new { inventoryItemId = Guid.Empty, units = 1, perSeat = false } } },
        ["POST /packages/{id:guid}/archive"] = new { },
        ["PUT /hours/"] = new WeeklyHoursRequest([]),
        ["POST /closures/"] = new ClosureRequest(new(2031, 1, 1), new(2031, 1, 2), null),
        ["POST /customers/"] = new CustomerRequest("stolen@example.test", "Stolen", null, null),
        ["PUT /customers/{id:guid}"] = new CustomerRequest("hijacked@example.test", "Hijacked", null, null),
        ["POST /bookings/{id:guid}/confirm"] = new { },
        ["POST /calendar-feed"] = new { },
        ["POST /api-keys/"] = new ApiKeyRequest("Stolen", ApiKeyScopes.Write),
        ["POST /webhooks/"] = new { url = "https://93.184.215.14/stolen", eventTypes = new[] { "*" } },
        ["PUT /webhooks/{id:guid}"] = new { url = "https://93.184.215.14/hijacked", eventTypes = new[] { "*" }, enabled = true },
        ["POST /webhooks/{id:guid}/rotate-secret"] = new { },
        ["POST /webhooks/{id:guid}/deliveries/{deliveryId:guid}/redeliver"] = new { },
        ["POST /staff/"] = new StaffInviteRequest("stolen@example.test", "Stolen", Roles.Owner),
        ["PUT /staff/{id:guid}"] = new StaffRoleRequest(Roles.Staff),
    };

    /// <summary>Required query parameters, so the request is valid apart from who sends it.</summary>
    private static readonly Dictionary<string, string> Queries = new()
    {
        ["/analytics/daily"] = "?from=2030-01-01&to=2030-01-31",
        ["/waitlist"] = "?from=2030-01-01&to=2030-01-31",
        ["/analytics/packages"] = "?from=2030-01-01&to=2030-01-31",
    };

    [Fact]
    public async Task Every_dashboard_endpoint_is_404_for_another_business_401_without_a_token_and_403_for_customers_and_staff_where_owner_only()
    {
        var victim = await api.CreateTenantAsync();
        var ids = await SeedAsync(victim);
        var stranger = (await api.CreateTenantAsync()).Owner;
        var anonymous = api.CreateClient();
        var customer = await api.AddUserAsync(victim, Roles.Customer);
        var staff = await api.AddUserAsync(victim, Roles.Staff);
        var strangerKey = await KeyAsync(await api.CreateTenantAsync(), ApiKeyScopes.Write);
        var readKey = await KeyAsync(victim, ApiKeyScopes.Read);
        var writeKey = await KeyAsync(victim, ApiKeyScopes.Write);

        var endpoints = DashboardEndpoints();
        Assert.True(endpoints.Count >= 15, $"found only {endpoints.Count} dashboard endpoints");
        foreach (var (method, pattern, ownerOnly) in endpoints)
        {
            var path = pattern[Prefix.Length..];
            var url = victim.Url(path.Replace("{id:guid}", ids.GetValueOrDefault(path.Split('/')[1]).ToString())
                .Replace("{deliveryId:guid}", ids["deliveries"].ToString()) + Queries.GetValueOrDefault(path, ""));
            await Expect(stranger, method, path, url, HttpStatusCode.NotFound);
            await Expect(anonymous, method, path, url, HttpStatusCode.Unauthorized);
            await Expect(customer, method, path, url, HttpStatusCode.Forbidden);
            await Expect(strangerKey, method, path, url, HttpStatusCode.NotFound);
            if (ownerOnly)
            {
                await Expect(staff, method, path, url, HttpStatusCode.Forbidden);
                await Expect(writeKey, method, path, url, HttpStatusCode.Forbidden);
            }

            if (method != "GET")
            {
                await Expect(readKey, method, path, url, HttpStatusCode.Forbidden);
            }
        }

        // Nothing the rejected calls carried reached the victim's data.
        var items = await (await victim.Owner.GetAsync(victim.Url("/inventory?includeArchived=true"))).ReadAsync<List<InventoryItemDto>>();
        var tenant = await (await victim.Owner.GetAsync(victim.Url())).ReadAsync<TenantDto>();
        Assert.Equal(("Kayak", 3, false), (Assert.Single(items).Name, items[0].Quantity, items[0].Archived));
        Assert.NotEqual("Hijacked", tenant.Name);
    }

    /// <summary>Sample bodies for the endpoints that name a booking by id rather than a business by slug.</summary>
    private static readonly Dictionary<string, object> BookingBodies = new()
    {
        ["POST /api/v1/bookings/{id:guid}/cancel"] = new CancelRequest("hijacked"),
        ["POST /api/v1/bookings/{id:guid}/reschedule"] = new RescheduleRequest(Bookings.BookingScenario.SlotOnDay(5, 10)),
        ["POST /api/v1/bookings/{id:guid}/attendance"] = new AttendanceRequest(BookingAttendance.NoShow),
        ["POST /api/v1/bookings/{id:guid}/refund"] = new RefundRequest(null, "hijacked"),
    };

    [Fact]
    public async Task Every_signed_in_endpoint_naming_a_booking_by_id_is_404_for_another_business_and_401_without_a_token()
    {
        var victim = await api.CreateTenantAsync();
        var booking = (await SeedAsync(victim))["bookings"];
        var stranger = (await api.CreateTenantAsync()).Owner;
        var strangerKey = await KeyAsync(await api.CreateTenantAsync(), ApiKeyScopes.Write);
        var anonymous = api.CreateClient();

        var endpoints = api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/bookings/{id:guid}", StringComparison.Ordinal) == true)
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (Method: m, Pattern: e.RoutePattern.RawText!)))
            .ToList();
        Assert.Contains(("POST", "/api/v1/bookings/{id:guid}/attendance"), endpoints);
        foreach (var (method, pattern) in endpoints)
        {
            foreach (var (client, expected) in new[] { (stranger, HttpStatusCode.NotFound), (strangerKey, HttpStatusCode.NotFound), (anonymous, HttpStatusCode.Unauthorized) })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), pattern.Replace("{id:guid}", booking.ToString(), StringComparison.Ordinal));
                if (method == "POST")
                {
                    Assert.True(BookingBodies.TryGetValue($"{method} {pattern}", out var body), $"Add a sample body for {method} {pattern} to this test.");
                    request.Content = JsonContent.Create(body, options: ApiFactory.Json);
                }

                var response = await client.SendAsync(request);
                Assert.True(response.StatusCode == expected, $"{method} {pattern}: expected {(int)expected}, got {(int)response.StatusCode}");
            }
        }

        // Nothing the rejected calls carried reached the booking.
        var after = await (await victim.Owner.GetAsync($"/api/v1/bookings/{booking}")).ReadAsync<BookingDto>();
        Assert.Equal((BookingStatus.Held, BookingAttendance.Expected), (after.Status, after.Attendance));
    }

    /// <summary>A client calling with a new API key of <paramref name="t"/>.</summary>
    private async Task<HttpClient> KeyAsync(TestTenant t, string scope)
    {
        var made = await (await t.Owner.PostAsJsonAsync(t.Url("/api-keys"), new ApiKeyRequest("isolation", scope), ApiFactory.Json)).ReadAsync<CreatedApiKey>(HttpStatusCode.Created);
        return api.ClientWithToken(made.Key);
    }

    private static async Task Expect(HttpClient client, string method, string path, string url, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method is "POST" or "PUT")
        {
            Assert.True(Bodies.TryGetValue($"{method} {path}", out var body), $"Add a sample body for {method} {path} to this test.");
            request.Content = JsonContent.Create(body, options: ApiFactory.Json);
        }

        var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}");
    }

    private List<(string Method, string Pattern, bool OwnerOnly)> DashboardEndpoints() =>
        api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(Prefix, StringComparison.Ordinal) == true)
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (
                m,
                e.RoutePattern.RawText!,
                e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == Policies.Owner))))
            .ToList();

    private static async Task<Dictionary<string, Guid>> SeedAsync(TestTenant t)
    {
        var item = await (await t.Owner.PostAsJsonAsync(t.Url("/inventory"), new InventoryItemRequest("Kayak", 3), ApiFactory.Json)).ReadAsync<InventoryItemDto>(HttpStatusCode.Created);
        var package = await (await t.Owner.PostAsJsonAsync(t.Url("/packages"), new PackageRequest("Tour", null, 60, 100, 1, [new(item.Id, 1, false)]), ApiFactory.Json))
            .ReadAsync<PackageDto>(HttpStatusCode.Created);
        var closure = await (await t.Owner.PostAsJsonAsync(t.Url("/closures"), new ClosureRequest(new(2031, 5, 1), new(2031, 5, 1), null), ApiFactory.Json))
            .ReadAsync<ClosureDto>(HttpStatusCode.Created);
        var customer = await (await t.Owner.PostAsJsonAsync(t.Url("/customers"), new CustomerRequest("c@example.test", "C", null, null), ApiFactory.Json))
            .ReadAsync<CustomerDto>(HttpStatusCode.Created);
        var week = Enum.GetValues<DayOfWeek>().Select(d => new OpeningIntervalDto(d, new TimeOnly(0, 0), new TimeOnly(23, 30))).ToList();
        await (await t.Owner.PutAsJsonAsync(t.Url("/hours"), new WeeklyHoursRequest(week), ApiFactory.Json)).ShouldBe(HttpStatusCode.OK);
        var booking = await (await t.Owner.SendAsync(Bookings.BookingScenario.HoldMessage(
                t, new HoldRequest(package.Id, Bookings.BookingScenario.SlotOnDay(3, 10), 1, new GuestDetails("G", "g@example.test")))))
            .ReadAsync<BookingDto>(HttpStatusCode.Created);
        var key = await (await t.Owner.PostAsJsonAsync(t.Url("/api-keys"), new ApiKeyRequest("seed", ApiKeyScopes.Read), ApiFactory.Json)).ReadAsync<CreatedApiKey>(HttpStatusCode.Created);
        var webhook = await (await t.Owner.PostAsJsonAsync(t.Url("/webhooks"), new { url = "https://93.184.215.14/hooks", eventTypes = new[] { "*" } }, ApiFactory.Json))
            .ReadAsync<Features.Webhooks.WebhookEndpointCreated>(HttpStatusCode.Created);
        var delivery = await Webhooks.WebhookEndpointTests.SeedDeliveryAsync(t.Id, webhook.Endpoint.Id);
        return new() { ["webhooks"] = webhook.Endpoint.Id, ["deliveries"] = delivery, ["bookings"] = booking.Id, ["inventory"] = item.Id, ["packages"] = package.Id, ["closures"] = closure.Id, ["customers"] = customer.Id, [""] = Guid.Empty, ["policy"] = Guid.Empty, ["hours"] = Guid.Empty, ["api-keys"] = key.ApiKey.Id, ["staff"] = t.OwnerId };
    }
}
