using System.Net;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Bookings;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace BookingAws.Api.Tests.Payments;

public sealed class PaymentFaultTests(PaymentsFixture fixture) : PaymentTest(fixture)
{
    [Fact]
    public async Task A_dropped_succeeded_webhook_is_healed_by_reconciliation()
    {
        var s = await PaymentScenario.CreateAsync(Fixture);
        var hold = await s.HoldAsync(s.Slot(2, 10));
        var intentId = hold.Payment!.PaymentIntentId!;
        Fixture.Relay.Drop(intentId);

        await Fixture.PayAsync(intentId);
        await SeenAsync(intentId, "payment_intent.succeeded");
        await s.EventuallyAsync(hold.Id, BookingStatus.Held);

        s.Advance(Duration.FromMinutes(11));
        var report = await ReconcileAsync(s.TenantId);

        Assert.Equal(1, report.Confirmed);
        var confirmed = await s.EventuallyAsync(hold.Id, BookingStatus.Confirmed);
        Assert.Equal(1, confirmed.ReceiptNumber);
        Assert.Empty(await Fixture.RefundsAsync(intentId));
        Assert.Equal(0, (await ReconcileAsync(s.TenantId)).Claimed);
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_is_retried_with_the_same_key_and_makes_one_PaymentIntent()
    {
        var s = await PaymentScenario.CreateAsync(Fixture);
        await Fixture.SetFaultsAsync(new { hangNextRequests = 1, pathPrefix = "/v1/payment_intents" });

        var hold = await s.HoldAsync(s.Slot(2, 10));

        Assert.Equal("ready", hold.Payment!.Status);
        var intent = Assert.Single(await Fixture.PaymentIntentsForAsync(hold.Id));
        Assert.Equal(hold.Payment.PaymentIntentId, intent.Id);
        var creates = (await Fixture.RequestLogAsync())
            .Where(r => r.GetProperty("method").GetString() == "POST" && r.GetProperty("idempotencyKey").GetString() == $"booking-{hold.Id}")
            .ToList();
        Assert.Equal(2, creates.Count);
        Assert.Contains(creates, r => r.GetProperty("replayed").GetBoolean());
    }

    [Fact]
    public async Task With_Stripe_down_the_hold_still_stands_and_payment_can_be_retried_later()
    {
        var s = await PaymentScenario.CreateAsync(Fixture, quantity: 1);
        await Fixture.SetFaultsAsync(new { failNextRequests = 2, pathPrefix = "/v1/payment_intents" });

        var hold = await s.HoldAsync(s.Slot(2, 10));

        Assert.Equal(BookingStatus.Held, hold.Status);
        Assert.Equal("unavailable", hold.Payment!.Status);
        Assert.Equal($"/api/v1/bookings/{hold.Id}/payment", hold.Payment.RetryUrl);

        var client = Fixture.Api.CreateClient();
        var retried = await (await client.PostAsync(new Uri(hold.Payment.RetryUrl!, UriKind.Relative), null)).ReadAsync<PaymentPart>();
        var again = await (await client.PostAsync(new Uri(hold.Payment.RetryUrl!, UriKind.Relative), null)).ReadAsync<PaymentPart>();

        Assert.Equal("ready", retried.Status);
        Assert.Equal(retried.PaymentIntentId, again.PaymentIntentId);
        Assert.Single(await Fixture.PaymentIntentsForAsync(hold.Id));
    }

    [Fact]
    public async Task A_hold_that_never_got_a_PaymentIntent_expires_normally()
    {
        var s = await PaymentScenario.CreateAsync(Fixture, quantity: 1);
        await Fixture.SetFaultsAsync(new { failNextRequests = 2, pathPrefix = "/v1/payment_intents" });
        var hold = await s.HoldAsync(s.Slot(2, 10));
        Assert.Equal("unavailable", hold.Payment!.Status);

        s.Advance(Duration.FromMinutes(11));
        var report = await ReconcileAsync(s.TenantId);

        Assert.Equal(1, report.Claimed);
        await (await Fixture.Api.CreateClient().PostAsync(new Uri(hold.Payment.RetryUrl!, UriKind.Relative), null)).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Empty(await Fixture.PaymentIntentsForAsync(hold.Id));
        Assert.Equal(BookingStatus.Held, (await s.HoldAsync(s.Slot(2, 10))).Status);
        Assert.Equal(0, (await ReconcileAsync(s.TenantId)).Claimed);
    }

    [Fact]
    public async Task Duplicated_and_reordered_webhooks_converge_on_one_confirmation()
    {
        var s = await PaymentScenario.CreateAsync(Fixture);
        var inOrder = await s.HoldAsync(s.Slot(2, 10));
        var reversed = await s.HoldAsync(s.Slot(2, 11));
        foreach (var hold in new[] { inOrder, reversed })
        {
            Fixture.Relay.Capture(hold.Payment!.PaymentIntentId!);
            // The first card is declined, the second goes through.
            await Fixture.PayAsync(hold.Payment.PaymentIntentId!, succeed: false);
            await Fixture.PayAsync(hold.Payment.PaymentIntentId!);
        }

        foreach (var hold in new[] { inOrder, reversed })
        {
            await SeenAsync(hold.Payment!.PaymentIntentId!, "payment_intent.succeeded");
        }

        var first = Fixture.Relay.Captured(inOrder.Payment!.PaymentIntentId!);
        var second = Fixture.Relay.Captured(reversed.Payment!.PaymentIntentId!);
        Assert.Equal(["payment_intent.payment_failed", "payment_intent.succeeded"], first.Select(d => d.Type));
        foreach (var delivery in first.SelectMany(d => new[] { d, d }).Concat(Enumerable.Reverse(second).SelectMany(d => new[] { d, d })))
        {
            using var response = await Fixture.Relay.DeliverAsync(delivery);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        foreach (var hold in new[] { inOrder, reversed })
        {
            var booking = await s.EventuallyAsync(hold.Id, BookingStatus.Confirmed);
            Assert.NotNull(booking.ReceiptNumber);
            Assert.Single(await s.OutboxAsync("booking.confirmed.v1", hold.Id));
            Assert.Empty(await Fixture.RefundsAsync(hold.Payment!.PaymentIntentId!));
            Assert.Equal("succeeded", (await PaymentIntentAsync(hold.Payment.PaymentIntentId!)).Status);
        }
    }

    [Fact]
    public async Task A_webhook_with_a_bad_or_old_signature_is_refused_and_changes_nothing()
    {
        var s = await PaymentScenario.CreateAsync(Fixture);
        var hold = await s.HoldAsync(s.Slot(2, 10));
        var intentId = hold.Payment!.PaymentIntentId!;
        Fixture.Relay.Capture(intentId);
        await Fixture.PayAsync(intentId);
        await SeenAsync(intentId, "payment_intent.succeeded");
        var genuine = Assert.Single(Fixture.Relay.Captured(intentId));

        var wrongSecret = PaymentsFixture.Sign(genuine.Body, DateTimeOffset.UtcNow, "whsec_someone_else");
        var tooOld = PaymentsFixture.Sign(genuine.Body, DateTimeOffset.UtcNow.AddMinutes(-10));
        var tampered = genuine.Body.Replace("\"amount\":2500", "\"amount\":1", StringComparison.Ordinal);
        foreach (var (body, signature) in new[] { (genuine.Body, wrongSecret), (genuine.Body, tooOld), (tampered, genuine.Signature), (genuine.Body, (string?)null) })
        {
            using var refused = await Fixture.Relay.PostAsync(body, signature);
            var problem = await refused.ShouldBeProblem(HttpStatusCode.BadRequest);
            Assert.Equal("Invalid signature", problem.GetProperty("title").GetString());
        }

        await s.EventuallyAsync(hold.Id, BookingStatus.Held);
        Assert.Empty(await s.OutboxAsync("booking.confirmed.v1", hold.Id));

        using var accepted = await Fixture.Relay.DeliverAsync(genuine);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await s.EventuallyAsync(hold.Id, BookingStatus.Confirmed);
    }
}
