using System.Net;
using System.Text.Json.Nodes;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Payments;
using Stripe;

namespace BookingAws.Api.Tests.Payments;

/// <summary>Strange money events are recorded and counted for on-call, and never answered with a 500.</summary>
public sealed class PaymentAnomalyTests(PaymentsFixture fixture) : PaymentTest(fixture)
{
    [Fact]
    public async Task A_payment_for_a_PaymentIntent_of_no_booking_is_recorded_counted_and_acknowledged()
    {
        using var counter = new AnomalyCounter();
        var stranger = await new PaymentIntentService(Fixture.Stripe).CreateAsync(new PaymentIntentCreateOptions { Amount = 999, Currency = "eur" });

        await Fixture.PayAsync(stranger.Id);

        await Fixture.AnomalyEventuallyAsync(stranger.Id, PaymentAnomalyKinds.UnknownPaymentIntent);
        Assert.True(counter.Count(PaymentAnomalyKinds.UnknownPaymentIntent) >= 1);
        await SeenAsync(stranger.Id, "payment_intent.succeeded");
        var answers = await Eventually.Until(() => Fixture.WebhookAnswersAsync(Fixture.Relay.Seen(stranger.Id).Select(d => d.EventId)), a => a.Count > 0 && a.All(x => x != 0));
        Assert.All(answers, status => Assert.Equal(200, status));
    }

    [Fact]
    public async Task A_signed_event_about_a_PaymentIntent_Stripe_does_not_know_is_recorded_and_answered_200()
    {
        var s = await PaymentScenario.CreateAsync(Fixture);
        var hold = await s.HoldAsync(s.Slot(2, 10));
        var intentId = hold.Payment!.PaymentIntentId!;
        Fixture.Relay.Capture(intentId);
        await Fixture.PayAsync(intentId);
        await SeenAsync(intentId, "payment_intent.succeeded");
        var genuine = Fixture.Relay.Captured(intentId).Single(d => d.Type == "payment_intent.succeeded");
        var ghost = "pi_ghost" + Guid.NewGuid().ToString("N");
        var body = JsonNode.Parse(genuine.Body.Replace(intentId, ghost, StringComparison.Ordinal))!.AsObject();
        body["id"] = "evt_ghost" + Guid.NewGuid().ToString("N");

        var json = body.ToJsonString();
        using var response = await Fixture.Relay.PostAsync(json, PaymentsFixture.Sign(json, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(PaymentAnomalyKinds.UnknownPaymentIntent, await Fixture.AnomaliesAsync(ghost));
        Assert.Equal(BookingStatus.Held, (await s.VisibleAsync(hold.Id)).Status);
    }

    [Fact]
    public async Task Replayed_and_out_of_order_webhooks_are_recorded_and_change_nothing()
    {
        var s = await PaymentScenario.CreateAsync(Fixture);
        var hold = await s.HoldAsync(s.Slot(2, 10));
        var intentId = hold.Payment!.PaymentIntentId!;
        Fixture.Relay.Capture(intentId);
        await Fixture.PayAsync(intentId, succeed: false);
        await Fixture.PayAsync(intentId);
        await SeenAsync(intentId, "payment_intent.succeeded");
        var failed = Fixture.Relay.Captured(intentId).Single(d => d.Type == "payment_intent.payment_failed");
        var succeeded = Fixture.Relay.Captured(intentId).Single(d => d.Type == "payment_intent.succeeded");
        using var counter = new AnomalyCounter();

        foreach (var delivery in new[] { succeeded, succeeded })
        {
            using var response = await Fixture.Relay.DeliverAsync(delivery);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The decline, stamped a minute before the success, arrives after it.
        var stale = JsonNode.Parse(failed.Body)!.AsObject();
        stale["created"] = stale["created"]!.GetValue<long>() - 60;
        var staleJson = stale.ToJsonString();
        using (var late = await Fixture.Relay.PostAsync(staleJson, PaymentsFixture.Sign(staleJson, DateTimeOffset.UtcNow)))
        {
            Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        }

        var kinds = await Fixture.AnomaliesAsync(intentId);
        Assert.Contains(PaymentAnomalyKinds.ReplayedEvent, kinds);
        Assert.Contains(PaymentAnomalyKinds.OutOfOrderEvent, kinds);
        Assert.True(counter.Count(PaymentAnomalyKinds.ReplayedEvent) >= 1);
        Assert.True(counter.Count(PaymentAnomalyKinds.OutOfOrderEvent) >= 1);
        var booking = await s.EventuallyAsync(hold.Id, BookingStatus.Confirmed);
        Assert.Equal(intentId, booking.PaymentIntentId);
        Assert.Single(await s.OutboxAsync("booking.confirmed.v1", hold.Id));
        Assert.Empty(await Fixture.RefundsAsync(intentId));
    }
}
