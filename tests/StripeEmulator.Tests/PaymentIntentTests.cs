using System.Net;
using Stripe;

namespace BookingAws.StripeEmulator.Tests;

public sealed class PaymentIntentTests(EmulatorFixture fixture) : EmulatorTest(fixture)
{
    [Fact]
    public async Task Create_returns_a_payment_intent_waiting_for_the_customer()
    {
        var metadata = Booking(out var bookingId);
        var pi = await this.PaymentIntents().CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 12_500,
            Currency = "eur",
            Description = "Booking " + bookingId,
            Metadata = metadata,
            AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true },
            TransferData = new PaymentIntentTransferDataOptions { Destination = "acct_1TenantStudio" },
            ApplicationFeeAmount = 625,
        });

        Assert.StartsWith("pi_", pi.Id, StringComparison.Ordinal);
        Assert.StartsWith(pi.Id + "_secret_", pi.ClientSecret, StringComparison.Ordinal);
        Assert.Equal("requires_payment_method", pi.Status);
        Assert.Equal(12_500, pi.Amount);
        Assert.Equal(0, pi.AmountReceived);
        Assert.Equal(bookingId, pi.Metadata["booking_id"]);
        Assert.Equal("acct_1TenantStudio", pi.TransferData.DestinationId);
        Assert.Equal(625, pi.ApplicationFeeAmount);
        Assert.True(pi.AutomaticPaymentMethods.Enabled);
    }

    [Fact]
    public async Task Same_idempotency_key_and_parameters_replays_the_same_payment_intent()
    {
        var key = Guid.NewGuid().ToString();
        var metadata = Booking(out var bookingId);
        var first = await this.CreateAsync(metadata: metadata, options: new RequestOptions { IdempotencyKey = key });
        var second = await this.CreateAsync(metadata: metadata, options: new RequestOptions { IdempotencyKey = key });

        Assert.Equal(first.Id, second.Id);
        Assert.Equal("true", second.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        var found = await this.PaymentIntents().SearchAsync(new PaymentIntentSearchOptions { Query = $"metadata['booking_id']:'{bookingId}'" });
        Assert.Single(found.Data);
    }

    [Fact]
    public async Task Same_idempotency_key_with_other_parameters_is_rejected()
    {
        var key = Guid.NewGuid().ToString();
        var metadata = Booking(out _);
        await this.CreateAsync(amount: 5000, metadata: metadata, options: new RequestOptions { IdempotencyKey = key });

        var ex = await Assert.ThrowsAsync<StripeException>(
            () => this.CreateAsync(amount: 6000, metadata: metadata, options: new RequestOptions { IdempotencyKey = key }));

        Assert.Equal(HttpStatusCode.BadRequest, ex.HttpStatusCode);
        Assert.Equal("idempotency_error", ex.StripeError.Type);
    }

    [Fact]
    public async Task Retrieve_returns_the_stored_payment_intent_and_unknown_ids_are_404()
    {
        var created = await this.CreateAsync();

        var fetched = await this.PaymentIntents().GetAsync(created.Id);
        var missing = await Assert.ThrowsAsync<StripeException>(() => this.PaymentIntents().GetAsync("pi_doesnotexist"));

        Assert.Equal(created.Id, fetched.Id);
        Assert.Equal(created.ClientSecret, fetched.ClientSecret);
        Assert.Equal(HttpStatusCode.NotFound, missing.HttpStatusCode);
        Assert.Equal("resource_missing", missing.StripeError.Code);
    }

    [Fact]
    public async Task Cancel_sets_canceled_and_sends_payment_intent_canceled()
    {
        var created = await this.CreateAsync();

        var canceled = await this.PaymentIntents().CancelAsync(
            created.Id, new PaymentIntentCancelOptions { CancellationReason = "abandoned" });

        Assert.Equal("canceled", canceled.Status);
        Assert.Equal("abandoned", canceled.CancellationReason);
        var delivered = await EmulatorFixture.Eventually(
            () => this.Fixture.DeliveriesFor(created.Id, "payment_intent.canceled"), 1, "payment_intent.canceled");
        var evt = EventUtility.ConstructEvent(delivered[0].Body, delivered[0].Signature, EmulatorFixture.WebhookSecret);
        Assert.Equal("canceled", ((PaymentIntent)evt.Data.Object).Status);
    }

    [Fact]
    public async Task Cancel_after_success_is_rejected()
    {
        var created = await this.CreateAsync();
        await this.Fixture.ConfirmAsync(created.Id);

        var ex = await Assert.ThrowsAsync<StripeException>(() => this.PaymentIntents().CancelAsync(created.Id));

        Assert.Equal("payment_intent_unexpected_state", ex.StripeError.Code);
    }

    [Fact]
    public async Task Search_by_booking_metadata_and_status_finds_only_matches()
    {
        var metadata = Booking(out var bookingId);
        var paid = await this.CreateAsync(metadata: metadata);
        var open = await this.CreateAsync(metadata: metadata);
        await this.CreateAsync();
        await this.Fixture.ConfirmAsync(paid.Id);

        var byBooking = await this.PaymentIntents().SearchAsync(
            new PaymentIntentSearchOptions { Query = $"metadata['booking_id']:'{bookingId}'" });
        var byBookingAndStatus = await this.PaymentIntents().SearchAsync(
            new PaymentIntentSearchOptions { Query = $"metadata['booking_id']:'{bookingId}' AND status:'succeeded'" });

        Assert.Equal([open.Id, paid.Id], byBooking.Data.Select(p => p.Id));
        Assert.Equal(paid.Id, Assert.Single(byBookingAndStatus.Data).Id);
        Assert.Equal("search_result", byBooking.Object);
    }

    [Fact]
    public async Task List_honours_limit_and_created_and_pages_newest_first()
    {
        var since = DateTime.UtcNow.AddSeconds(-1);
        var a = await this.CreateAsync();
        var b = await this.CreateAsync();
        var c = await this.CreateAsync();
        var service = this.PaymentIntents();

        var page = await service.ListAsync(new PaymentIntentListOptions
        {
            Limit = 2,
            Created = new DateRangeOptions { GreaterThanOrEqual = since },
        });
        var next = await service.ListAsync(new PaymentIntentListOptions { Limit = 100, StartingAfter = page.Data[^1].Id });

        Assert.Equal([c.Id, b.Id], page.Data.Select(p => p.Id));
        Assert.True(page.HasMore);
        Assert.Equal(a.Id, next.Data[0].Id);
    }

    [Fact]
    public async Task Confirm_success_sends_a_signed_event_that_StripeNet_verifies()
    {
        var created = await this.CreateAsync(amount: 7300);

        var confirmed = await this.Fixture.ConfirmAsync(created.Id);

        Assert.Equal("succeeded", confirmed.Status);
        var delivered = await EmulatorFixture.Eventually(
            () => this.Fixture.DeliveriesFor(created.Id, "payment_intent.succeeded"), 1, "payment_intent.succeeded");
        var evt = EventUtility.ConstructEvent(delivered[0].Body, delivered[0].Signature, EmulatorFixture.WebhookSecret);
        var pi = (PaymentIntent)evt.Data.Object;
        Assert.Equal(EventTypes.PaymentIntentSucceeded, evt.Type);
        Assert.Equal(7300, pi.AmountReceived);
        Assert.StartsWith("ch_", pi.LatestChargeId, StringComparison.Ordinal);
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(delivered[0].Body, delivered[0].Signature, "whsec_wrong"));
    }

    [Fact]
    public async Task Confirm_failure_sends_payment_failed_and_leaves_it_payable()
    {
        var created = await this.CreateAsync();

        var declined = await this.Fixture.ConfirmAsync(created.Id, "failed");

        Assert.Equal("requires_payment_method", declined.Status);
        Assert.Equal("card_declined", declined.LastPaymentError.Code);
        await EmulatorFixture.Eventually(
            () => this.Fixture.DeliveriesFor(created.Id, "payment_intent.payment_failed"), 1, "payment_intent.payment_failed");
        Assert.Equal("succeeded", (await this.Fixture.ConfirmAsync(created.Id)).Status);
    }

    [Fact]
    public async Task Expand_latest_charge_returns_the_charge_object()
    {
        var created = await this.CreateAsync(amount: 4200);
        await this.Fixture.ConfirmAsync(created.Id);

        var pi = await this.PaymentIntents().GetAsync(created.Id, new PaymentIntentGetOptions { Expand = ["latest_charge"] });

        Assert.Equal(4200, pi.LatestCharge.Amount);
        Assert.Equal(created.Id, pi.LatestCharge.PaymentIntentId);
    }

    [Fact]
    public async Task Events_are_listed_through_the_api()
    {
        var created = await this.CreateAsync();
        await this.Fixture.ConfirmAsync(created.Id);

        var events = await new EventService(this.Fixture.Client()).ListAsync(
            new EventListOptions { Type = "payment_intent.succeeded", Limit = 100 });

        Assert.Contains(events.Data, e => ((PaymentIntent)e.Data.Object).Id == created.Id);
    }

    [Fact]
    public async Task Requests_without_a_test_secret_key_are_401()
    {
        var client = this.Fixture.Client(apiKey: "sk_live_notallowedhere");

        var ex = await Assert.ThrowsAsync<StripeException>(() => new PaymentIntentService(client).GetAsync("pi_x"));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.HttpStatusCode);
        Assert.Equal("invalid_request_error", ex.StripeError.Type);
    }

    [Fact]
    public async Task Missing_amount_names_the_parameter()
    {
        var ex = await Assert.ThrowsAsync<StripeException>(
            () => this.PaymentIntents().CreateAsync(new PaymentIntentCreateOptions { Currency = "eur" }));

        Assert.Equal("parameter_missing", ex.StripeError.Code);
        Assert.Equal("amount", ex.StripeError.Param);
    }
}
