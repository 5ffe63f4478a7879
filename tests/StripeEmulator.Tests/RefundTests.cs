using System.Net;
using Stripe;

namespace BookingAws.StripeEmulator.Tests;

public sealed class RefundTests(EmulatorFixture fixture) : EmulatorTest(fixture)
{
    private RefundService Refunds => new(this.Fixture.Client());

    [Fact]
    public async Task Refund_without_amount_refunds_everything_and_sends_events()
    {
        var pi = await this.CreateAsync(amount: 9000);
        await this.Fixture.ConfirmAsync(pi.Id);

        var refund = await this.Refunds.CreateAsync(new RefundCreateOptions
        {
            PaymentIntent = pi.Id,
            Reason = "requested_by_customer",
            Metadata = new Dictionary<string, string> { ["booking_id"] = pi.Metadata["booking_id"] },
        });

        Assert.StartsWith("re_", refund.Id, StringComparison.Ordinal);
        Assert.Equal(9000, refund.Amount);
        Assert.Equal("succeeded", refund.Status);
        Assert.Equal(refund.Id, (await this.Refunds.GetAsync(refund.Id)).Id);
        await EmulatorFixture.Eventually(() => this.Fixture.DeliveriesFor(refund.Id, "refund.created"), 1, "refund.created");
        var chargeRefunded = await EmulatorFixture.Eventually(
            () => this.Fixture.Deliveries.Where(d => d.Type == "charge.refunded" && d.Body.Contains(pi.Id, StringComparison.Ordinal)).ToList(),
            1,
            "charge.refunded");
        var charge = (Charge)EventUtility.ConstructEvent(chargeRefunded[0].Body, chargeRefunded[0].Signature, EmulatorFixture.WebhookSecret).Data.Object;
        Assert.True(charge.Refunded);
        Assert.Equal(9000, charge.AmountRefunded);

        var again = await Assert.ThrowsAsync<StripeException>(() => this.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id }));
        Assert.Equal("charge_already_refunded", again.StripeError.Code);
    }

    [Fact]
    public async Task Partial_refunds_add_up_and_refunding_more_than_remains_is_rejected()
    {
        var pi = await this.CreateAsync(amount: 10_000);
        await this.Fixture.ConfirmAsync(pi.Id);

        await this.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 3000 });
        await this.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 2000 });
        var tooMuch = await Assert.ThrowsAsync<StripeException>(
            () => this.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 5001 }));
        var rest = await this.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id });

        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.HttpStatusCode);
        Assert.Equal("amount_too_large", tooMuch.StripeError.Code);
        Assert.Equal(5000, rest.Amount);
        var listed = await this.Refunds.ListAsync(new RefundListOptions { PaymentIntent = pi.Id });
        Assert.Equal([5000L, 2000L, 3000L], listed.Data.Select(r => r.Amount));
    }

    [Fact]
    public async Task Refund_is_idempotent_per_key()
    {
        var pi = await this.CreateAsync(amount: 8000);
        await this.Fixture.ConfirmAsync(pi.Id);
        var options = new RequestOptions { IdempotencyKey = Guid.NewGuid().ToString() };

        var first = await this.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 1000 }, options);
        var second = await this.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 1000 }, options);

        Assert.Equal(first.Id, second.Id);
        Assert.Single((await this.Refunds.ListAsync(new RefundListOptions { PaymentIntent = pi.Id })).Data);
    }

    [Fact]
    public async Task Refunding_an_unpaid_payment_intent_is_rejected()
    {
        var pi = await this.CreateAsync();

        var ex = await Assert.ThrowsAsync<StripeException>(() => this.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id }));

        Assert.Equal(HttpStatusCode.BadRequest, ex.HttpStatusCode);
        Assert.Equal("invalid_request_error", ex.StripeError.Type);
    }
}
