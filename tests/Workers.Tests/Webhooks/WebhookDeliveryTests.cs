using System.Text.Json;
using BookingAws.Shared.Webhooks;
using BookingAws.Workers.Tests.Infrastructure;
using NodaTime;

namespace BookingAws.Workers.Tests.Webhooks;

/// <summary>From an outbox row to a business's receiver: relay, SQS, fan-out, delivery loop, signed POST, attempt log.</summary>
public sealed class WebhookDeliveryTests
{
    [Fact]
    public async Task A_confirmed_booking_reaches_the_receiver_signed_with_its_event_id_and_the_attempt_is_logged()
    {
        await using var receiver = WebhookReceiver.Start();
        await using var scenario = await WebhookScenario.StartAsync(receiver.Url);
        var bookingId = await scenario.ConfirmBookingAsync();

        await Eventually.TrueAsync(() => Task.FromResult(!receiver.Received.IsEmpty), "the receiver got the webhook");
        var request = Assert.Single(receiver.Received);
        var delivery = Assert.Single(await scenario.DeliveriesAsync(1));

        Assert.Equal(("POST", "/hooks/bookingaws"), (request.Method, request.Path));
        Assert.Equal(delivery.EventId.ToString(), request.Headers[WebhookSignature.EventIdHeader]);
        Assert.Equal("booking.confirmed.v1", request.Headers[WebhookSignature.EventTypeHeader]);
        Assert.True(
            WebhookSignature.Verify(scenario.Secret, request.Headers[WebhookSignature.Header], request.Body, scenario.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)),
            "the signature verifies with the endpoint's secret");
        Assert.False(
            WebhookSignature.Verify(WebhookSignature.NewSecret(), request.Headers[WebhookSignature.Header], request.Body, scenario.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)),
            "another secret does not verify");
        Assert.False(
            WebhookSignature.Verify(scenario.Secret, request.Headers[WebhookSignature.Header], request.Body.Replace("confirmed", "cancelled", StringComparison.Ordinal), scenario.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)),
            "a changed body does not verify");

        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(delivery.EventId, body.RootElement.GetProperty("id").GetGuid());
        Assert.Equal("booking.confirmed.v1", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(scenario.Seed.Tenant.Id, body.RootElement.GetProperty("tenantId").GetGuid());
        Assert.Equal(bookingId, body.RootElement.GetProperty("data").GetProperty("booking").GetProperty("bookingId").GetGuid());

        await Eventually.TrueAsync(async () => (await scenario.ReadDeliveriesAsync())[0].State == WebhookDeliveryState.Delivered, "the delivery is marked delivered");
        var attempt = Assert.Single(await scenario.AttemptsAsync(delivery.Id));
        Assert.Equal((200, true, (string?)null), (attempt.StatusCode, attempt.Succeeded, attempt.Error));
    }

    [Fact]
    public async Task A_500_is_retried_after_a_back_off_and_then_delivered()
    {
        await using var receiver = WebhookReceiver.Start();
        receiver.Then(WebhookReceiver.Status(500));
        await using var scenario = await WebhookScenario.StartAsync(receiver.Url, loop: false);
        await scenario.ConfirmBookingAsync();
        var delivery = Assert.Single(await scenario.DeliveriesAsync(1));

        await scenario.PassAsync();
        var failed = Assert.Single(await scenario.ReadDeliveriesAsync());
        Assert.Equal((WebhookDeliveryState.Pending, 1), (failed.State, failed.Attempts));
        var wait = failed.NextAttemptAt - scenario.Now;
        Assert.InRange(wait.TotalSeconds, 7.9, 10.1);

        // Not before the back-off has passed: half of it changes nothing.
        scenario.Clock.Advance(wait.ToTimeSpan() / 2);
        await scenario.PassAsync();
        Assert.Single(receiver.Received);

        scenario.Clock.Advance(wait.ToTimeSpan());
        await scenario.PassAsync();
        var attempts = await scenario.AttemptsAsync(delivery.Id);
        Assert.Equal([500, 200], attempts.Select(a => a.StatusCode ?? 0));
        Assert.Contains("HTTP 500: receiver says no", attempts[0].Error, StringComparison.Ordinal);
        Assert.Equal(WebhookDeliveryState.Delivered, Assert.Single(await scenario.ReadDeliveriesAsync()).State);
        Assert.Equal(2, receiver.Received.Count);
        Assert.Single(receiver.Received.Select(r => r.Headers[WebhookSignature.EventIdHeader]).Distinct());
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_in_time_is_logged_as_a_timeout_and_retried()
    {
        await using var receiver = WebhookReceiver.Start();
        receiver.Then(WebhookReceiver.Hang(TimeSpan.FromSeconds(6)));
        await using var scenario = await WebhookScenario.StartAsync(receiver.Url, loop: false);
        await scenario.ConfirmBookingAsync();
        var delivery = Assert.Single(await scenario.DeliveriesAsync(1));

        await scenario.PassAsync();
        var timedOut = Assert.Single(await scenario.AttemptsAsync(delivery.Id));
        Assert.Null(timedOut.StatusCode);
        Assert.False(timedOut.Succeeded);
        Assert.Contains("timed out after 2 s", timedOut.Error, StringComparison.Ordinal);
        Assert.InRange(timedOut.LatencyMs, 1900, 5000);

        await scenario.AdvanceAsync(TimeSpan.FromSeconds(11), TimeSpan.FromSeconds(11));
        Assert.Equal(WebhookDeliveryState.Delivered, Assert.Single(await scenario.ReadDeliveriesAsync()).State);
    }

    [Fact]
    public async Task A_receiver_down_for_an_hour_gets_the_event_once_it_is_back()
    {
        await using var receiver = WebhookReceiver.Start();
        await receiver.DownAsync();
        await using var scenario = await WebhookScenario.StartAsync(receiver.Url, loop: false);
        await scenario.ConfirmBookingAsync();
        var delivery = Assert.Single(await scenario.DeliveriesAsync(1));

        await scenario.PassAsync();
        await scenario.AdvanceAsync(TimeSpan.FromHours(1), TimeSpan.FromSeconds(5));
        var whileDown = await scenario.AttemptsAsync(delivery.Id);
        Assert.InRange(whileDown.Count, 6, 8);
        Assert.All(whileDown, a => Assert.Equal((null, false), (a.StatusCode, a.Succeeded)));
        Assert.All(whileDown, a => Assert.Contains("connection failed", a.Error, StringComparison.Ordinal));

        // Each wait is longer than the one before (exponential back-off).
        var gaps = whileDown.Zip(whileDown.Skip(1), (a, b) => (b.AttemptedAt - a.AttemptedAt).TotalSeconds).ToList();
        Assert.True(gaps.Zip(gaps.Skip(1)).All(p => p.Second > p.First), "back-off grows: " + string.Join(", ", gaps));

        receiver.Up();
        var pending = Assert.Single(await scenario.ReadDeliveriesAsync());
        Assert.Equal(WebhookDeliveryState.Pending, pending.State);
        await scenario.AdvanceAsync((pending.NextAttemptAt - scenario.Now).ToTimeSpan(), TimeSpan.FromMinutes(1));
        Assert.Equal(WebhookDeliveryState.Delivered, Assert.Single(await scenario.ReadDeliveriesAsync()).State);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task An_endpoint_failing_for_three_days_is_turned_off_and_its_owner_emailed_once()
    {
        await using var receiver = WebhookReceiver.Start();
        receiver.Otherwise = WebhookReceiver.Status(500);
        await using var scenario = await WebhookScenario.StartAsync(receiver.Url, loop: false);
        await scenario.ConfirmBookingAsync();
        await scenario.DeliveriesAsync(1);
        await scenario.PassAsync();

        // Two days of failures: still on. Then a new event, which keeps failing past the third day.
        await scenario.AdvanceAsync(TimeSpan.FromDays(2), TimeSpan.FromHours(1));
        Assert.Null(await DisabledAtAsync(scenario));
        await scenario.ConfirmBookingAsync();
        await scenario.DeliveriesAsync(2);
        await scenario.AdvanceAsync(TimeSpan.FromDays(1) + TimeSpan.FromHours(7), TimeSpan.FromHours(1));

        Assert.NotNull(await DisabledAtAsync(scenario));
        Assert.All(await scenario.ReadDeliveriesAsync(), d => Assert.Equal(WebhookDeliveryState.Failed, d.State));
        var received = receiver.Received.Count;

        await Eventually.TrueAsync(
            async () =>
            {
                await scenario.PassAsync();
                return (await SesStore.EmailsToAsync(scenario.OwnerEmail)).Count > 0;
            },
            "the owner's email");
        var email = Assert.Single(await SesStore.EmailsToAsync(scenario.OwnerEmail));
        Assert.Contains("turned off after failing for 3 days", email.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Contains(receiver.Url.AbsoluteUri, email.GetProperty("body").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("HTTP 500", email.GetProperty("body").GetProperty("text").GetString(), StringComparison.Ordinal);

        // Off means off: a new event is not fanned out to it, and later passes neither send nor email again.
        await scenario.ConfirmBookingAsync();
        await scenario.AdvanceAsync(TimeSpan.FromHours(12), TimeSpan.FromHours(1));
        Assert.Equal(received, receiver.Received.Count);
        Assert.Single(await SesStore.EmailsToAsync(scenario.OwnerEmail));
    }

    [Fact]
    public async Task A_redelivered_event_is_sent_again_with_the_same_id_and_body_and_only_to_its_own_business()
    {
        await using var receiver = WebhookReceiver.Start();
        await using var scenario = await WebhookScenario.StartAsync(receiver.Url, loop: false);
        var other = await Platform.SeedAsync();
        await using (var cmd = Platform.Db.CreateCommand(
                         "INSERT INTO webhook_endpoints (id, tenant_id, url, event_types, signing_secret, created_at) VALUES (gen_random_uuid(), $1, $2, '{*}', 'whsec_other', now())"))
        {
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = other.Tenant.Id });
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = receiver.Url.AbsoluteUri + "?other" });
            await cmd.ExecuteNonQueryAsync();
        }

        await scenario.ConfirmBookingAsync();
        var delivery = Assert.Single(await scenario.DeliveriesAsync(1));
        await scenario.PassAsync();
        Assert.Equal(0, await Platform.ScalarAsync("SELECT count(*) FROM webhook_deliveries WHERE tenant_id = $1", other.Tenant.Id));

        // What POST …/deliveries/{id}/redeliver does (the API's tests cover the endpoint): due now, 72 more hours.
        await using (var redeliver = Platform.Db.CreateCommand(
                         "UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $2, give_up_at = $2 + interval '72 hours' WHERE id = $1"))
        {
            redeliver.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = delivery.Id });
            redeliver.Parameters.Add(new Npgsql.NpgsqlParameter<Instant> { TypedValue = scenario.Now });
            await redeliver.ExecuteNonQueryAsync();
        }

        scenario.Clock.Advance(TimeSpan.FromMinutes(10));
        await scenario.PassAsync();
        var requests = receiver.Received.ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal(requests[0].Headers[WebhookSignature.EventIdHeader], requests[1].Headers[WebhookSignature.EventIdHeader]);
        Assert.NotEqual(requests[0].Headers[WebhookSignature.Header], requests[1].Headers[WebhookSignature.Header]);
        Assert.Equal(2, (await scenario.AttemptsAsync(delivery.Id)).Count(a => a.Succeeded));
    }

    [Theory]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://[::1]:9/hook")]
    [InlineData("https://127.0.0.1:9/hook")]
    [InlineData("https://[::ffff:192.168.1.1]/hook")]
    public async Task Private_link_local_and_loopback_targets_are_refused_without_a_connection(string url)
    {
        await using var scenario = await WebhookScenario.StartAsync(new Uri(url), loop: false, allowLoopback: false);
        await scenario.ConfirmBookingAsync();
        var delivery = Assert.Single(await scenario.DeliveriesAsync(1));
        await scenario.PassAsync();

        var attempt = Assert.Single(await scenario.AttemptsAsync(delivery.Id));
        Assert.Null(attempt.StatusCode);
        Assert.StartsWith("refused target:", attempt.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_name_that_resolves_to_loopback_is_refused_at_connection_time()
    {
        // "localhost" is refused on its face; the machine's own name (which /etc/hosts points at loopback or a private
        // address) passes that check and is caught after DNS, before any connection.
        await using var receiver = WebhookReceiver.Start();
        var host = System.Net.Dns.GetHostName();
        var byName = new Uri($"https://{host}:{receiver.Port}/hooks");
        await using var scenario = await WebhookScenario.StartAsync(byName, loop: false, allowLoopback: false);
        await scenario.ConfirmBookingAsync();
        var delivery = Assert.Single(await scenario.DeliveriesAsync(1));
        await scenario.PassAsync();

        var attempt = Assert.Single(await scenario.AttemptsAsync(delivery.Id));
        Assert.StartsWith($"refused target: {host} resolves to", attempt.Error, StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
    }

    private static async Task<Instant?> DisabledAtAsync(WebhookScenario scenario)
    {
        await using var cmd = Platform.Db.CreateCommand("SELECT disabled_at FROM webhook_endpoints WHERE id = $1");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = scenario.EndpointId });
        return await cmd.ExecuteScalarAsync() is Instant at ? at : null;
    }
}
