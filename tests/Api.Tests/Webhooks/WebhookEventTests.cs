using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Features.Customers;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Api.Tests.Payments;
using BookingAws.Shared.Webhooks;
using BookingAws.Tests.Common;
using BookingAws.Workers.Tests.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace BookingAws.Api.Tests.Webhooks;

/// <summary>
/// The payment and customer events a business can subscribe to, from the API's own writes through the real workers
/// (relay, SQS, fan-out, delivery loop) to a signed POST at a loopback receiver; the Stripe emulator pays.
/// </summary>
public sealed class WebhookEventTests(PaymentsFixture fixture) : PaymentTest(fixture)
{
    [Fact]
    public void Payment_and_customer_events_are_offered_to_webhooks()
    {
        Assert.Contains("payment.succeeded.v1", WebhookEvents.Types);
        Assert.Contains("customer.created.v1", WebhookEvents.Types);
        Assert.Contains("customer.updated.v1", WebhookEvents.Types);
    }

    [Fact]
    public async Task A_paid_booking_delivers_a_signed_payment_succeeded_with_the_amount_taken()
    {
        var s = await PaymentScenario.CreateAsync(Fixture, priceMinor: 2500);
        await using var hooks = await HooksAsync(s);
        var hold = await s.HoldAsync(s.Slot(2, 10), seats: 2);

        await Fixture.PayAsync(hold.Payment!.PaymentIntentId!);
        await s.EventuallyAsync(hold.Id, "confirmed");

        var request = await hooks.OneAsync("payment.succeeded.v1");
        Assert.True(
            WebhookSignature.Verify(hooks.Secret, request.Headers[WebhookSignature.Header], request.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)),
            "the signature verifies with the endpoint's secret");
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(request.Headers[WebhookSignature.EventIdHeader], body.RootElement.GetProperty("id").GetGuid().ToString());
        var data = body.RootElement.GetProperty("data");
        Assert.Equal(hold.Id, data.GetProperty("bookingId").GetGuid());
        Assert.Equal(hold.Payment.PaymentIntentId, data.GetProperty("paymentIntentId").GetString());
        Assert.Equal(5000, data.GetProperty("amountMinor").GetInt64());
        Assert.Equal("EUR", data.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task A_first_time_guest_is_announced_once_and_not_again_on_their_next_hold()
    {
        var s = await PaymentScenario.CreateAsync(Fixture);
        await using var hooks = await HooksAsync(s);
        var email = $"{Guid.NewGuid():N}@example.test";

        var first = await HoldAsync(s, s.Slot(3, 9), email);
        var created = await hooks.OneAsync("customer.created.v1");
        using (var body = JsonDocument.Parse(created.Body))
        {
            var data = body.RootElement.GetProperty("data");
            Assert.Equal((first.CustomerId, email, "Guest"), (data.GetProperty("customerId").GetGuid(), data.GetProperty("email").GetString(), data.GetProperty("name").GetString()));
        }

        var second = await HoldAsync(s, s.Slot(3, 11), email);
        Assert.Equal(first.CustomerId, second.CustomerId);

        // The second hold's own event arrives; a customer.created written with it would have been in the same transaction.
        await hooks.AllAsync("booking.held.v1", 2);
        Assert.Equal(1, await hooks.OutboxCountAsync("customer.created.v1"));
        Assert.Single(hooks.Received("customer.created.v1"));
    }

    [Fact]
    public async Task A_customer_edited_on_the_dashboard_is_delivered_as_customer_updated()
    {
        var s = await PaymentScenario.CreateAsync(Fixture);
        await using var hooks = await HooksAsync(s);
        var url = $"/api/v1/tenants/{s.Slug}/customers";
        var customer = await (await s.Owner.PostAsJsonAsync(url, new CustomerRequest("ada@example.test", "Ada", null, null), ApiFactory.Json))
            .ReadAsync<CustomerDto>(HttpStatusCode.Created);
        await (await s.Owner.PutAsJsonAsync($"{url}/{customer.Id}", new CustomerRequest("ada.l@example.test", "Ada Lovelace", null, null), ApiFactory.Json))
            .ShouldBe(HttpStatusCode.OK);

        var updated = await hooks.OneAsync("customer.updated.v1");
        using var body = JsonDocument.Parse(updated.Body);
        var data = body.RootElement.GetProperty("data");
        Assert.Equal((customer.Id, "ada.l@example.test", "Ada Lovelace"), (data.GetProperty("customerId").GetGuid(), data.GetProperty("email").GetString(), data.GetProperty("name").GetString()));
        using var created = JsonDocument.Parse((await hooks.OneAsync("customer.created.v1")).Body);
        Assert.Equal("Ada", created.RootElement.GetProperty("data").GetProperty("name").GetString());
    }

    private static async Task<HoldResponse> HoldAsync(PaymentScenario s, DateTimeOffset start, string email)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/tenants/{s.Slug}/bookings")
        {
            Content = JsonContent.Create(new HoldRequest(s.PackageId, start, 1, new GuestDetails("Guest", email)), options: ApiFactory.Json),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return await (await GuestProof.HoldAndProveAsync(s.Fixture.Api.Services, s.Fixture.Api.CreateClient(), request, email)).ReadAsync<HoldResponse>(HttpStatusCode.OK);
    }

    private async Task<Hooks> HooksAsync(PaymentScenario s)
    {
        var receiver = WebhookReceiver.Start();
        var secret = WebhookSignature.NewSecret();
        await using (var insert = PlatformDatabase.OwnerSource.CreateCommand(
                         "INSERT INTO webhook_endpoints (id, tenant_id, url, event_types, signing_secret, created_at) VALUES (gen_random_uuid(), $1, $2, '{*}', $3, now())"))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = s.TenantId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = receiver.Url.AbsoluteUri });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = secret });
            await insert.ExecuteNonQueryAsync();
        }

        return new Hooks(s.TenantId, receiver, secret, await StartWorkersAsync(s.TenantId));
    }

    /// <summary>The workers, relaying only this business's events and consuming their own webhooks queue.</summary>
    private Task<IHost> StartWorkersAsync(Guid tenantId) =>
        InProcessWorkers.StartAsync(Fixture.Api.Services.GetRequiredService<IConfiguration>(), tenantId, "events", ["webhooks"], new Dictionary<string, string?>
        {
            // The explicit test setting: the receiver listens on loopback.
            ["Webhooks:AllowLoopbackTargets"] = "true",
            ["Webhooks:Timeout"] = "00:00:02",
        });

    private sealed class Hooks(Guid tenantId, WebhookReceiver receiver, string secret, IHost workers) : IAsyncDisposable
    {
        public string Secret => secret;

        public List<ReceivedWebhook> Received(string type) =>
            receiver.Received.Where(r => r.Headers.GetValueOrDefault(WebhookSignature.EventTypeHeader) == type).ToList();

        public async Task<ReceivedWebhook> OneAsync(string type) => Assert.Single(await AllAsync(type, 1));

        public async Task<List<ReceivedWebhook>> AllAsync(string type, int count)
        {
            var found = await Eventually.Until(() => Task.FromResult(Received(type)), r => r.Count >= count, TimeSpan.FromSeconds(40));
            Assert.True(found.Count >= count, $"{count} {type} webhook(s) received, got {found.Count}");
            return found;
        }

        public async Task<long> OutboxCountAsync(string type)
        {
            await using var cmd = PlatformDatabase.OwnerSource.CreateCommand("SELECT count(*) FROM outbox_messages WHERE tenant_id = $1 AND type = $2");
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = type });
            return (long)(await cmd.ExecuteScalarAsync())!;
        }

        public async ValueTask DisposeAsync()
        {
            await workers.StopAsync();
            workers.Dispose();
            await receiver.DisposeAsync();
        }
    }
}
