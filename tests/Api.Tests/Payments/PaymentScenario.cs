using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Hours;
using BookingAws.Api.Features.Inventory;
using BookingAws.Api.Features.Packages;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Identity;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Tenants;
using NodaTime;
using Npgsql;

namespace BookingAws.Api.Tests.Payments;

/// <summary>A hold's answer: the booking plus how to pay for it.</summary>
public sealed record HoldResponse(Guid Id, string Status, Guid CustomerId, long AmountMinor, string Currency, DateTimeOffset? ExpiresAt, PaymentPart? Payment);

public sealed record PaymentPart(string Status, string? PaymentIntentId, string? ClientSecret, string? RetryUrl);

/// <summary>
/// A business in UTC, open all day, with one item and one paid package, made through the API of the
/// payments fixture (its own factory and clock).
/// </summary>
public sealed class PaymentScenario
{
    private PaymentScenario(PaymentsFixture fixture, string slug, Guid tenantId, HttpClient owner, Guid packageId)
    {
        Fixture = fixture;
        Slug = slug;
        TenantId = tenantId;
        Owner = owner;
        PackageId = packageId;
    }

    public PaymentsFixture Fixture { get; }
    public string Slug { get; }
    public Guid TenantId { get; }
    public HttpClient Owner { get; }
    public Guid PackageId { get; }

    public static async Task<PaymentScenario> CreateAsync(
        PaymentsFixture fixture, int quantity = 5, long priceMinor = 2500, BookingPolicyDto? policy = null, string? stripeAccountId = null)
    {
        var api = fixture.Api;
        var slug = "p-" + Guid.NewGuid().ToString("N")[..12];
        var email = $"owner-{slug}@example.test";
        var signUp = await (await api.CreateClient().PostAsJsonAsync(
                "/api/v1/tenants", new SignUpRequest(slug, $"Business {slug}", "Etc/UTC", "EUR", email, "Owner", TestIdentity.Password), ApiFactory.Json))
            .ReadAsync<SignUpResponse>(HttpStatusCode.Created);
        var owner = await api.SignedInAsync(email);
        var url = $"/api/v1/tenants/{slug}";
        var week = Enum.GetValues<DayOfWeek>().Select(d => new OpeningIntervalDto(d, new TimeOnly(0, 0), new TimeOnly(23, 30))).ToList();
        await (await owner.PutAsJsonAsync(url + "/hours", new WeeklyHoursRequest(week), ApiFactory.Json)).ShouldBe(HttpStatusCode.OK);
        await (await owner.PutAsJsonAsync(url + "/policy", policy ?? new BookingPolicyDto(0, 90, 30, 0, 0, 10, 24, 24, RefundRule.FullBeforeWindow, 0), ApiFactory.Json))
            .ShouldBe(HttpStatusCode.OK);
        if (stripeAccountId is not null)
        {
            await (await owner.PutAsJsonAsync(url, new UpdateTenantRequest($"Business {slug}", "Etc/UTC", stripeAccountId), ApiFactory.Json)).ShouldBe(HttpStatusCode.OK);
        }

        var item = await (await owner.PostAsJsonAsync(url + "/inventory", new InventoryItemRequest("Kayak", quantity), ApiFactory.Json))
            .ReadAsync<InventoryItemDto>(HttpStatusCode.Created);
        var package = await (await owner.PostAsJsonAsync(
                url + "/packages", new PackageRequest("Paddle", null, 30, priceMinor, 10, [new(item.Id, 1, true)]), ApiFactory.Json))
            .ReadAsync<PackageDto>(HttpStatusCode.Created);
        return new PaymentScenario(fixture, slug, signUp.Tenant.Id, owner, package.Id);
    }

    /// <summary>A slot on the 30-minute grid some whole days after the fixture clock's now, at the given UTC hour.</summary>
    public DateTimeOffset Slot(int daysAhead, int hour) =>
        new DateTimeOffset(Fixture.Clock.GetCurrentInstant().ToDateTimeOffset().UtcDateTime.Date, TimeSpan.Zero).AddDays(daysAhead).AddHours(hour);

    /// <summary>
    /// A guest holds and enters the code emailed to them: the answer that carries the payment (a guest's hold is
    /// payable only once the address is proven), or the hold's own answer when the hold was refused.
    /// </summary>
    public async Task<HttpResponseMessage> PostHoldAsync(DateTimeOffset start, int seats = 1, string? key = null)
    {
        var email = $"{Guid.NewGuid():N}@example.test";
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/tenants/{Slug}/bookings")
        {
            Content = JsonContent.Create(new HoldRequest(PackageId, start, seats, new GuestDetails("Guest", email)), options: ApiFactory.Json),
        };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return await GuestProof.HoldAndProveAsync(Fixture.Api.Services, Fixture.Api.CreateClient(), request, email);
    }

    public async Task<HoldResponse> HoldAsync(DateTimeOffset start, int seats = 1) =>
        await (await PostHoldAsync(start, seats)).ReadAsync<HoldResponse>(HttpStatusCode.OK);

    public async Task<BookingDto> GetAsync(Guid bookingId) =>
        await (await Owner.GetAsync(new Uri($"/api/v1/bookings/{bookingId}", UriKind.Relative))).ReadAsync<BookingDto>();

    /// <summary>
    /// Polls the booking until it reaches <paramref name="status"/>: webhooks are asynchronous and reads
    /// come from the replica.
    /// </summary>
    public async Task<BookingDto> EventuallyAsync(Guid bookingId, string status)
    {
        var booking = await Eventually.Until(() => TryGetAsync(bookingId), b => b?.Status == status);
        Assert.Equal(status, booking?.Status);
        return booking!;
    }

    /// <summary>The booking once the replica shows it, whatever its status.</summary>
    public async Task<BookingDto> VisibleAsync(Guid bookingId) => (await Eventually.Until(() => TryGetAsync(bookingId), b => b is not null))!;

    /// <summary>
    /// Someone else books the slot and the business confirms it at once (paid in person). Confirmed, so
    /// no hold sweep run by other tests on the shared database can give the capacity back.
    /// </summary>
    public async Task<Guid> TakeAsync(DateTimeOffset start)
    {
        await Fixture.SetFaultsAsync(new { failNextRequests = 2, pathPrefix = "/v1/payment_intents" });
        var hold = await HoldAsync(start);
        await Fixture.ClearFaultsAsync();
        await (await Owner.PostAsync(new Uri($"/api/v1/tenants/{Slug}/bookings/{hold.Id}/confirm", UriKind.Relative), null)).ShouldBe(HttpStatusCode.OK);
        return hold.Id;
    }

    private async Task<BookingDto?> TryGetAsync(Guid bookingId)
    {
        using var response = await Owner.GetAsync(new Uri($"/api/v1/bookings/{bookingId}", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<BookingDto>(ApiFactory.Json) : null;
    }

    /// <summary>The customer, signed in: their email becomes a person in the pool, linked to the customer row.</summary>
    public async Task<HttpClient> CustomerClientAsync(Guid customerId)
    {
        var db = PlatformDatabase.OwnerSource;
        await using var find = db.CreateCommand("SELECT email FROM customers WHERE id = $1");
        find.Parameters.Add(new NpgsqlParameter { Value = customerId });
        var email = (string)(await find.ExecuteScalarAsync())!;
        var personId = await Fixture.Api.Identity.AddPersonAsync(email);
        await using var link = db.CreateCommand("UPDATE customers SET person_id = $1 WHERE id = $2");
        link.Parameters.Add(new NpgsqlParameter { Value = personId });
        link.Parameters.Add(new NpgsqlParameter { Value = customerId });
        await link.ExecuteNonQueryAsync();
        return await Fixture.Api.SignedInAsync(email);
    }

    /// <summary>Outbox events of one type for one booking, as the workers would publish them.</summary>
    public async Task<List<JsonElement>> OutboxAsync(string type, Guid bookingId)
    {
        var db = PlatformDatabase.OwnerSource;
        await using var cmd = db.CreateCommand("SELECT payload::text FROM outbox_messages WHERE tenant_id = $1 AND type = $2 ORDER BY occurred_at, id");
        cmd.Parameters.Add(new NpgsqlParameter { Value = TenantId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = type });
        var found = new List<JsonElement>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var payload = JsonDocument.Parse(reader.GetString(0)).RootElement;
            var id = payload.TryGetProperty("bookingId", out var direct) ? direct : payload.GetProperty("booking").GetProperty("bookingId");
            if (id.GetGuid() == bookingId)
            {
                found.Add(payload);
            }
        }

        return found;
    }

    public void Advance(Duration by) => Fixture.Clock.Advance(by);
}
