using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Hours;
using BookingAws.Api.Features.Inventory;
using BookingAws.Api.Features.Packages;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Tenants;

namespace BookingAws.Api.Tests.Bookings;

/// <summary>
/// A business in UTC open 00:00–23:30 every day, with one inventory item and one package that uses it,
/// made through the API. Slots are every 30 minutes.
/// </summary>
public sealed record BookingScenario(TestTenant Tenant, Guid ItemId, Guid PackageId)
{
    public static async Task<BookingScenario> CreateAsync(
        ApiFactory api, int quantity, int durationMinutes = 30, long priceMinor = 1000, int maxSeats = 10, bool perSeat = true, BookingPolicyDto? policy = null, string? slug = null)
    {
        var tenant = await api.CreateTenantAsync("Etc/UTC", "GBP", slug);
        var owner = tenant.Owner;
        var week = Enum.GetValues<DayOfWeek>().Select(d => new OpeningIntervalDto(d, new TimeOnly(0, 0), new TimeOnly(23, 30))).ToList();
        await (await owner.PutAsJsonAsync(tenant.Url("/hours"), new WeeklyHoursRequest(week), ApiFactory.Json)).ShouldBe(HttpStatusCode.OK);
        await (await owner.PutAsJsonAsync(tenant.Url("/policy"), policy ?? new BookingPolicyDto(0, 90, 30, 0, 0, 10, 24, 24, RefundRule.FullBeforeWindow, 0), ApiFactory.Json))
            .ShouldBe(HttpStatusCode.OK);
        var item = await (await owner.PostAsJsonAsync(tenant.Url("/inventory"), new InventoryItemRequest("Kayak", quantity), ApiFactory.Json))
            .ReadAsync<InventoryItemDto>(HttpStatusCode.Created);
        var package = await (await owner.PostAsJsonAsync(
                tenant.Url("/packages"), new PackageRequest("Paddle", null, durationMinutes, priceMinor, maxSeats, [new(item.Id, 1, perSeat)]), ApiFactory.Json))
            .ReadAsync<PackageDto>(HttpStatusCode.Created);
        return new BookingScenario(tenant, item.Id, package.Id);
    }

    /// <summary>A slot start at least <paramref name="ahead"/> from now, on the 30-minute grid, before 23:00 UTC.</summary>
    public static DateTimeOffset SlotAfter(TimeSpan ahead)
    {
        var t = DateTimeOffset.UtcNow + ahead;
        var aligned = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute >= 30 ? 30 : 0, 0, TimeSpan.Zero).AddMinutes(30);
        return aligned.TimeOfDay >= TimeSpan.FromHours(23) ? aligned.Date.AddDays(1).AddHours(1) : aligned;
    }

    /// <summary>A slot at a given UTC hour some days from now.</summary>
    public static DateTimeOffset SlotOnDay(int daysAhead, int hour, int minute = 0) =>
        new DateTimeOffset(DateTimeOffset.UtcNow.Date, TimeSpan.Zero).AddDays(daysAhead).AddHours(hour).AddMinutes(minute);

    public HoldRequest Guest(DateTimeOffset start, int seats = 1, string? email = null) =>
        new(PackageId, start, seats, new GuestDetails("Guest", email ?? $"{Guid.NewGuid():N}@example.test"));

    public static HttpRequestMessage HoldMessage(TestTenant tenant, HoldRequest request, string? key = null)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, tenant.Url("/bookings")) { Content = JsonContent.Create(request, options: ApiFactory.Json) };
        message.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return message;
    }

    public async Task<HttpResponseMessage> HoldAsync(HttpClient client, HoldRequest request, string? key = null) =>
        await client.SendAsync(HoldMessage(Tenant, request, key));
}
