using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Payments;
using BookingAws.Shared.Integrations.Stripe;

namespace BookingAws.Api.Tests.Payments;

public sealed class PaymentFlowTests(PaymentsFixture fixture) : PaymentTest(fixture)
{
    [Fact]
    public async Task A_paid_hold_carries_a_client_secret_and_the_succeeded_webhook_confirms_it_with_a_receipt()
    {
        var s = await PaymentScenario.CreateAsync(Fixture, priceMinor: 2500);

        var hold = await s.HoldAsync(s.Slot(2, 10), seats: 2);

        Assert.Equal(BookingStatus.Held, hold.Status);
        Assert.Equal("ready", hold.Payment!.Status);
        Assert.False(string.IsNullOrEmpty(hold.Payment.ClientSecret));
        var intent = await PaymentIntentAsync(hold.Payment.PaymentIntentId!);
        Assert.Equal(5000, intent.Amount);
        Assert.Equal("eur", intent.Currency);
        Assert.Equal(hold.Id.ToString(), intent.Metadata["booking_id"]);
        Assert.Null(intent.TransferData);

        await Fixture.PayAsync(intent.Id);

        var confirmed = await s.EventuallyAsync(hold.Id, BookingStatus.Confirmed);
        Assert.Equal(intent.Id, confirmed.PaymentIntentId);
        Assert.Equal(1, confirmed.ReceiptNumber);
        Assert.Single(await s.OutboxAsync("booking.confirmed.v1", hold.Id));
        Assert.Equal(5000, Assert.Single(await s.OutboxAsync("payment.succeeded.v1", hold.Id)).GetProperty("amountMinor").GetInt64());

        var second = await s.HoldAsync(s.Slot(2, 11));
        await Fixture.PayAsync(second.Payment!.PaymentIntentId!);
        Assert.Equal(2, (await s.EventuallyAsync(second.Id, BookingStatus.Confirmed)).ReceiptNumber);
    }

    [Fact]
    public async Task A_business_with_a_connected_account_gets_a_destination_charge_less_the_platform_fee()
    {
        var s = await PaymentScenario.CreateAsync(Fixture, priceMinor: 2500, stripeAccountId: "acct_connected_test");

        var hold = await s.HoldAsync(s.Slot(2, 10));

        var intent = await PaymentIntentAsync(hold.Payment!.PaymentIntentId!);
        Assert.Equal("acct_connected_test", intent.TransferData?.DestinationId);
        Assert.Equal(125, intent.ApplicationFeeAmount); // 5 % of 2500, from Stripe:PlatformFeeBasisPoints
    }

    [Fact]
    public void Stripe_secrets_never_appear_in_the_options_text()
    {
        var options = new StripeOptions { ApiKey = "sk_test_secret_value", WebhookSecret = "whsec_secret_value", ApiBase = "http://127.0.0.1:1" };

        var text = options.ToString();

        Assert.DoesNotContain("secret_value", text, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_payment_releases_the_hold_and_its_capacity()
    {
        var s = await PaymentScenario.CreateAsync(Fixture, quantity: 1);
        var start = s.Slot(2, 10);
        var hold = await s.HoldAsync(start);

        await Fixture.PayAsync(hold.Payment!.PaymentIntentId!, succeed: false);

        await s.EventuallyAsync(hold.Id, BookingStatus.Cancelled);
        Assert.Equal("canceled", (await PaymentIntentAsync(hold.Payment.PaymentIntentId!)).Status);
        var next = await s.HoldAsync(start);
        Assert.Equal(BookingStatus.Held, next.Status);
    }

    [Fact]
    public async Task A_hold_cancelled_before_payment_can_no_longer_be_paid()
    {
        var s = await PaymentScenario.CreateAsync(Fixture);
        var hold = await s.HoldAsync(s.Slot(2, 10));

        await (await s.Owner.PostAsJsonAsync($"/api/v1/bookings/{hold.Id}/cancel", new { reason = "changed mind" })).ShouldBe(HttpStatusCode.OK);

        Assert.Equal("canceled", (await PaymentIntentAsync(hold.Payment!.PaymentIntentId!)).Status);
    }

    [Fact]
    public async Task Payment_for_a_hold_cancelled_meanwhile_is_refunded_and_the_customer_told()
    {
        var s = await PaymentScenario.CreateAsync(Fixture);
        var hold = await s.HoldAsync(s.Slot(2, 10));
        var intentId = hold.Payment!.PaymentIntentId!;
        // Stripe is down while the hold is cancelled, so its PaymentIntent stays payable.
        await Fixture.SetFaultsAsync(new { failNextRequests = 2, pathPrefix = $"/v1/payment_intents/{intentId}/cancel" });
        await (await s.Owner.PostAsJsonAsync($"/api/v1/bookings/{hold.Id}/cancel", new { reason = "double booked" })).ShouldBe(HttpStatusCode.OK);

        await Fixture.PayAsync(intentId);

        var refund = Assert.Single(await RefundsEventuallyAsync(intentId, 1));
        Assert.Equal(2500, refund.Amount);
        var told = Assert.Single(await Eventually.Until(() => s.OutboxAsync("payment.refunded.v1", hold.Id), e => e.Count > 0));
        Assert.Equal(BookingRefundReasons.Describe(BookingRefundReasons.HoldCancelled), told.GetProperty("reason").GetString());
        Assert.Equal(BookingStatus.Cancelled, (await s.GetAsync(hold.Id)).Status);

        // Given back, never accepted: a business's webhooks hear of the refund only.
        Assert.Empty(await s.OutboxAsync("payment.succeeded.v1", hold.Id));
    }
}
