using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingAws.Api.Features.Webhooks;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Webhooks;
using Npgsql;

namespace BookingAws.Api.Tests.Webhooks;

/// <summary>The owner's webhook API: endpoints with a secret shown once, refused targets, deliveries and redelivery.</summary>
[Collection(ApiCollection.Name)]
public sealed class WebhookEndpointTests(ApiFactory api)
{
    // A public address (no DNS here); registration checks it, and nothing in these tests sends to it.
    private const string PublicUrl = "https://93.184.215.14/hooks/bookingaws";

    [Fact]
    public async Task The_signing_secret_is_shown_on_create_and_on_rotation_and_never_listed()
    {
        var t = await api.CreateTenantAsync();
        var created = await (await t.Owner.PostAsJsonAsync(t.Url("/webhooks"), new WebhookEndpointRequest(PublicUrl, ["booking.confirmed.v1", "payment.refunded.v1"], "CRM"), ApiFactory.Json))
            .ReadAsync<WebhookEndpointCreated>(HttpStatusCode.Created);
        Assert.StartsWith(WebhookSignature.SecretPrefix, created.SigningSecret, StringComparison.Ordinal);
        Assert.Equal((PublicUrl, true), (created.Endpoint.Url, created.Endpoint.Enabled));

        var listed = await (await t.Owner.GetAsync(t.Url("/webhooks"))).Content.ReadAsStringAsync();
        var one = await (await t.Owner.GetAsync(t.Url($"/webhooks/{created.Endpoint.Id}"))).Content.ReadAsStringAsync();
        Assert.Contains(created.Endpoint.Id.ToString(), listed, StringComparison.Ordinal);
        Assert.DoesNotContain(created.SigningSecret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(created.SigningSecret, one, StringComparison.Ordinal);

        var rotated = await (await t.Owner.PostAsync(t.Url($"/webhooks/{created.Endpoint.Id}/rotate-secret"), null)).ReadAsync<WebhookSecretRotated>();
        Assert.NotEqual(created.SigningSecret, rotated.SigningSecret);
        Assert.True(rotated.PreviousSecretValidUntil > DateTimeOffset.UtcNow.AddHours(23));
    }

    [Theory]
    [InlineData("https://10.0.0.5/hook", "url")]
    [InlineData("https://169.254.169.254/latest/meta-data/", "url")]
    [InlineData("https://127.0.0.1/hook", "url")]
    [InlineData("https://[::1]/hook", "url")]
    [InlineData("https://[fd00::1]/hook", "url")]
    [InlineData("https://localhost/hook", "url")]
    [InlineData("http://93.184.215.14/hook", "url")]
    [InlineData("https://user:pw@93.184.215.14/hook", "url")]
    [InlineData("not a url", "url")]
    public async Task Private_loopback_link_local_and_plain_http_targets_are_refused_naming_the_url(string url, string field)
    {
        var t = await api.CreateTenantAsync();
        var response = await t.Owner.PostAsJsonAsync(t.Url("/webhooks"), new WebhookEndpointRequest(url, ["*"], null), ApiFactory.Json);
        await response.ShouldBeProblem(HttpStatusCode.BadRequest, field);
        Assert.Empty(await (await t.Owner.GetAsync(t.Url("/webhooks"))).ReadAsync<List<WebhookEndpointDto>>());
    }

    [Fact]
    public async Task A_host_name_that_resolves_to_a_loopback_or_private_address_is_refused_after_resolution()
    {
        // The machine's own name: /etc/hosts points it at loopback (or a private address), never at a public one.
        var host = System.Net.Dns.GetHostName();
        var t = await api.CreateTenantAsync();
        var response = await t.Owner.PostAsJsonAsync(t.Url("/webhooks"), new WebhookEndpointRequest($"https://{host}/hook", ["*"], null), ApiFactory.Json);
        var problem = await response.ShouldBeProblem(HttpStatusCode.BadRequest, "url");
        Assert.Contains($"{host} resolves to", problem.GetProperty("errors").GetProperty("url")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_event_types_offered_are_exactly_those_registration_accepts()
    {
        var t = await api.CreateTenantAsync();
        var offered = await (await t.Owner.GetAsync(t.Url("/webhooks/event-types"))).ReadAsync<WebhookEventTypesDto>();
        Assert.Equal(WebhookEvents.Types, offered.Types);
        Assert.Contains("booking.confirmed.v1", offered.Types);
        Assert.Equal("*", offered.All);

        var created = await (await t.Owner.PostAsJsonAsync(t.Url("/webhooks"), new WebhookEndpointRequest(PublicUrl, offered.Types, null), ApiFactory.Json))
            .ReadAsync<WebhookEndpointCreated>(HttpStatusCode.Created);
        Assert.Equal(offered.Types, created.Endpoint.EventTypes);
    }

    [Fact]
    public async Task An_unknown_event_type_is_refused_naming_the_field()
    {
        var t = await api.CreateTenantAsync();
        var response = await t.Owner.PostAsJsonAsync(t.Url("/webhooks"), new WebhookEndpointRequest(PublicUrl, ["booking.exploded.v1"], null), ApiFactory.Json);
        await response.ShouldBeProblem(HttpStatusCode.BadRequest, "eventTypes");
    }

    [Fact]
    public async Task Redeliver_makes_a_delivered_event_due_again_and_the_attempts_stay_visible()
    {
        var t = await api.CreateTenantAsync();
        var endpoint = await CreateAsync(t);
        var delivery = await SeedDeliveryAsync(t.Id, endpoint.Id);

        var detail = await (await t.Owner.GetAsync(t.Url($"/webhooks/{endpoint.Id}/deliveries/{delivery}"))).ReadAsync<WebhookDeliveryDetail>();
        Assert.Equal((WebhookDeliveryState.Delivered, 200), (detail.Delivery.State, detail.Attempts.Single().StatusCode));
        Assert.Contains("\"booking.confirmed.v1\"", detail.Payload, StringComparison.Ordinal);

        var redelivered = await (await t.Owner.PostAsync(t.Url($"/webhooks/{endpoint.Id}/deliveries/{delivery}/redeliver"), null)).ReadAsync<WebhookDeliveryDto>(HttpStatusCode.Accepted);
        Assert.Equal(WebhookDeliveryState.Pending, redelivered.State);
        Assert.True(redelivered.NextAttemptAt <= DateTimeOffset.UtcNow.AddSeconds(1));

        var pending = await (await t.Owner.GetAsync(t.Url($"/webhooks/{endpoint.Id}/deliveries?state=pending"))).ReadAsync<List<WebhookDeliveryDto>>();
        Assert.Equal(delivery, Assert.Single(pending).Id);
    }

    [Fact]
    public async Task A_turned_off_endpoint_refuses_redelivery_until_it_is_turned_on_again()
    {
        var t = await api.CreateTenantAsync();
        var endpoint = await CreateAsync(t);
        var delivery = await SeedDeliveryAsync(t.Id, endpoint.Id);
        var off = await (await t.Owner.PutAsJsonAsync(t.Url($"/webhooks/{endpoint.Id}"), new WebhookEndpointUpdate(PublicUrl, ["*"], null, false), ApiFactory.Json)).ReadAsync<WebhookEndpointDto>();
        Assert.False(off.Enabled);

        await (await t.Owner.PostAsync(t.Url($"/webhooks/{endpoint.Id}/deliveries/{delivery}/redeliver"), null)).ShouldBeProblem(HttpStatusCode.Conflict);

        var on = await (await t.Owner.PutAsJsonAsync(t.Url($"/webhooks/{endpoint.Id}"), new WebhookEndpointUpdate(PublicUrl, ["*"], null, true), ApiFactory.Json)).ReadAsync<WebhookEndpointDto>();
        Assert.Equal((true, (DateTimeOffset?)null), (on.Enabled, on.FailingSince));
        await (await t.Owner.PostAsync(t.Url($"/webhooks/{endpoint.Id}/deliveries/{delivery}/redeliver"), null)).ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Another_business_sees_none_of_the_endpoints_deliveries_or_payloads_and_staff_cannot_manage_them()
    {
        var victim = await api.CreateTenantAsync();
        var endpoint = await CreateAsync(victim);
        var delivery = await SeedDeliveryAsync(victim.Id, endpoint.Id);
        var stranger = await api.CreateTenantAsync();
        var staff = await api.AddUserAsync(victim, Roles.Staff);

        // The stranger, in its own business's URL, asking for the victim's ids.
        await (await stranger.Owner.GetAsync(stranger.Url($"/webhooks/{endpoint.Id}"))).ShouldBe(HttpStatusCode.NotFound);
        await (await stranger.Owner.GetAsync(stranger.Url($"/webhooks/{endpoint.Id}/deliveries/{delivery}"))).ShouldBe(HttpStatusCode.NotFound);
        await (await stranger.Owner.PostAsync(stranger.Url($"/webhooks/{endpoint.Id}/deliveries/{delivery}/redeliver"), null)).ShouldBe(HttpStatusCode.NotFound);
        await (await stranger.Owner.DeleteAsync(stranger.Url($"/webhooks/{endpoint.Id}"))).ShouldBe(HttpStatusCode.NotFound);
        Assert.Empty(await (await stranger.Owner.GetAsync(stranger.Url("/webhooks"))).ReadAsync<List<WebhookEndpointDto>>());

        await (await staff.GetAsync(victim.Url("/webhooks"))).ShouldBe(HttpStatusCode.Forbidden);
        await (await staff.PostAsync(victim.Url($"/webhooks/{endpoint.Id}/rotate-secret"), null)).ShouldBe(HttpStatusCode.Forbidden);

        var still = await (await victim.Owner.GetAsync(victim.Url($"/webhooks/{endpoint.Id}/deliveries/{delivery}"))).ReadAsync<WebhookDeliveryDetail>();
        Assert.Equal(WebhookDeliveryState.Delivered, still.Delivery.State);
    }

    private static async Task<WebhookEndpointDto> CreateAsync(TestTenant t) =>
        (await (await t.Owner.PostAsJsonAsync(t.Url("/webhooks"), new WebhookEndpointRequest(PublicUrl, ["*"], null), ApiFactory.Json))
            .ReadAsync<WebhookEndpointCreated>(HttpStatusCode.Created)).Endpoint;

    /// <summary>A delivery the workers made and sent (their part is covered in the workers' tests).</summary>
    internal static async Task<Guid> SeedDeliveryAsync(Guid tenantId, Guid endpointId)
    {
        var id = Guid.CreateVersion7();
        var payload = JsonSerializer.Serialize(new { id = Guid.NewGuid(), type = "booking.confirmed.v1", data = new { } });
        await using var batch = PlatformDatabase.OwnerSource.CreateBatch();
        var delivery = new NpgsqlBatchCommand(
            """
            INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, payload, occurred_at, created_at, state, attempts, next_attempt_at, give_up_at, delivered_at, last_status_code)
            VALUES ($1, $2, $3, gen_random_uuid(), 'booking.confirmed.v1', $4, now(), now(), 'delivered', 1, now(), now() + interval '72 hours', now(), 200)
            """);
        delivery.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        delivery.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        delivery.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = endpointId });
        delivery.Parameters.Add(new NpgsqlParameter<string> { TypedValue = payload });
        var attempt = new NpgsqlBatchCommand(
            "INSERT INTO webhook_attempts (tenant_id, delivery_id, endpoint_id, attempted_at, status_code, latency_ms, succeeded) VALUES ($1, $2, $3, now(), 200, 12, true)");
        attempt.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        attempt.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        attempt.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = endpointId });
        batch.BatchCommands.Add(delivery);
        batch.BatchCommands.Add(attempt);
        await batch.ExecuteNonQueryAsync();
        return id;
    }
}
