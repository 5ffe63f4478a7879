using Stripe;

namespace BookingAws.StripeEmulator.Tests;

public sealed class FaultTests(EmulatorFixture fixture) : EmulatorTest(fixture)
{
    [Fact]
    public async Task A_500_is_retried_by_StripeNet_with_the_same_key_and_creates_one_payment_intent()
    {
        await this.Fixture.SetFaultsAsync(new { failNextRequests = 1 });
        var metadata = Booking(out var bookingId);

        var pi = await this.CreateAsync(metadata: metadata);

        var posts = await this.PostsFor("/v1/payment_intents", pi.StripeResponse.Headers.GetValues("Idempotency-Key").Single());
        Assert.Equal([500, 200], posts.Select(p => p.GetProperty("status").GetInt32()));
        var found = await this.PaymentIntents().SearchAsync(new PaymentIntentSearchOptions { Query = $"metadata['booking_id']:'{bookingId}'" });
        Assert.Equal(pi.Id, Assert.Single(found.Data).Id);
    }

    [Fact]
    public async Task A_lost_response_is_retried_after_the_timeout_and_replayed_not_duplicated()
    {
        await this.Fixture.SetFaultsAsync(new { hangNextRequests = 1, pathPrefix = "/v1/payment_intents" });
        var metadata = Booking(out var bookingId);
        var key = Guid.NewGuid().ToString();
        var client = this.Fixture.Client(timeout: TimeSpan.FromSeconds(1));

        var pi = await this.PaymentIntents(client).CreateAsync(
            new PaymentIntentCreateOptions { Amount = 5000, Currency = "eur", Metadata = metadata },
            new RequestOptions { IdempotencyKey = key });

        var posts = await this.PostsFor("/v1/payment_intents", key);
        Assert.Equal([false, true], posts.Select(p => p.GetProperty("replayed").GetBoolean()));
        var found = await this.PaymentIntents().SearchAsync(new PaymentIntentSearchOptions { Query = $"metadata['booking_id']:'{bookingId}'" });
        Assert.Equal(pi.Id, Assert.Single(found.Data).Id);
    }

    [Fact]
    public async Task Faults_scoped_to_a_path_leave_other_paths_alone()
    {
        await this.Fixture.SetFaultsAsync(new { failNextRequests = 1, pathPrefix = "/v1/refunds" });

        var pi = await this.CreateAsync(options: new RequestOptions { IdempotencyKey = Guid.NewGuid().ToString() });

        Assert.Single(await this.PostsFor("/v1/payment_intents", pi.StripeResponse.Headers.GetValues("Idempotency-Key").Single()));
    }

    [Fact]
    public async Task A_dropped_webhook_is_never_delivered_but_stays_in_the_event_list()
    {
        var dropped = await this.CreateAsync();
        var kept = await this.CreateAsync();
        await this.Fixture.SetFaultsAsync(new { dropNextWebhooks = 1 });

        await this.Fixture.ConfirmAsync(dropped.Id);
        await this.Fixture.ConfirmAsync(kept.Id);

        await EmulatorFixture.Eventually(() => this.Fixture.DeliveriesFor(kept.Id, "payment_intent.succeeded"), 1, "the kept webhook");
        Assert.Empty(this.Fixture.DeliveriesFor(dropped.Id, "payment_intent.succeeded"));
        var events = await new EventService(this.Fixture.Client()).ListAsync(new EventListOptions { Type = "payment_intent.succeeded", Limit = 100 });
        Assert.Contains(events.Data, e => ((PaymentIntent)e.Data.Object).Id == dropped.Id);
    }

    [Fact]
    public async Task Duplicated_webhooks_arrive_twice_with_the_same_event_id()
    {
        var pi = await this.CreateAsync();
        await this.Fixture.SetFaultsAsync(new { duplicateWebhooks = true });

        await this.Fixture.ConfirmAsync(pi.Id);

        var delivered = await EmulatorFixture.Eventually(
            () => this.Fixture.DeliveriesFor(pi.Id, "payment_intent.succeeded"), 2, "both copies");
        Assert.Single(delivered.Select(d => d.EventId).Distinct());
    }

    [Fact]
    public async Task Reordered_webhooks_arrive_newest_first()
    {
        var first = await this.CreateAsync();
        var second = await this.CreateAsync();
        await EmulatorFixture.Eventually(() => this.Fixture.DeliveriesFor(second.Id, "payment_intent.created"), 1, "created events");
        await this.Fixture.SetFaultsAsync(new { reorderNextWebhooks = 2 });

        await this.Fixture.ConfirmAsync(first.Id);
        await this.Fixture.ConfirmAsync(second.Id);

        await EmulatorFixture.Eventually(() => this.Fixture.DeliveriesFor(first.Id, "payment_intent.succeeded"), 1, "the held batch");
        var order = this.Fixture.Deliveries
            .Where(d => d.Type == "payment_intent.succeeded" && (d.ObjectId == first.Id || d.ObjectId == second.Id))
            .Select(d => d.ObjectId);
        Assert.Equal([second.Id, first.Id], order);
    }

    [Fact]
    public async Task A_delayed_webhook_is_overtaken_by_a_later_one()
    {
        var first = await this.CreateAsync();
        var second = await this.CreateAsync();
        await EmulatorFixture.Eventually(() => this.Fixture.DeliveriesFor(second.Id, "payment_intent.created"), 1, "created events");
        await this.Fixture.SetFaultsAsync(new { delayNextWebhookMs = 1500 });

        await this.Fixture.ConfirmAsync(first.Id);
        await this.Fixture.ConfirmAsync(second.Id);

        await EmulatorFixture.Eventually(() => this.Fixture.DeliveriesFor(first.Id, "payment_intent.succeeded"), 1, "the delayed webhook");
        var order = this.Fixture.Deliveries
            .Where(d => d.Type == "payment_intent.succeeded" && (d.ObjectId == first.Id || d.ObjectId == second.Id))
            .Select(d => d.ObjectId);
        Assert.Equal([second.Id, first.Id], order);
    }

    [Fact]
    public async Task A_webhook_the_endpoint_rejects_is_retried_until_accepted()
    {
        var pi = await this.CreateAsync();
        await EmulatorFixture.Eventually(() => this.Fixture.DeliveriesFor(pi.Id, "payment_intent.created"), 1, "created event");
        this.Fixture.FailNextDeliveries(2);

        await this.Fixture.ConfirmAsync(pi.Id);

        var delivered = await EmulatorFixture.Eventually(
            () => this.Fixture.DeliveriesFor(pi.Id, "payment_intent.succeeded"), 1, "the retried webhook");
        Assert.Single(delivered);
    }

    private async Task<List<System.Text.Json.JsonElement>> PostsFor(string path, string key) =>
        (await this.Fixture.RequestLogAsync())
            .Where(r => r.GetProperty("method").GetString() == "POST"
                && r.GetProperty("path").GetString() == path
                && r.GetProperty("idempotencyKey").GetString() == key)
            .ToList();
}
