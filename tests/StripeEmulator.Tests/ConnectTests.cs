using System.Net;
using Stripe;

namespace BookingAws.StripeEmulator.Tests;

public sealed class ConnectTests(EmulatorFixture fixture) : EmulatorTest(fixture)
{
    [Fact]
    public async Task Refunding_a_destination_charge_reverses_the_transfer_and_gives_the_fee_back_in_proportion()
    {
        var pi = await this.PaymentIntents().CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 10_000,
            Currency = "eur",
            Metadata = Booking(out _),
            TransferData = new PaymentIntentTransferDataOptions { Destination = "acct_connected" },
            ApplicationFeeAmount = 1000,
        });
        await this.Fixture.ConfirmAsync(pi.Id);
        var client = this.Fixture.Client();
        var charge = await new ChargeService(client).GetAsync((await this.PaymentIntents().GetAsync(pi.Id)).LatestChargeId);
        Assert.NotNull(charge.TransferId);
        Assert.NotNull(charge.ApplicationFeeId);

        var refund = await new RefundService(client).CreateAsync(new RefundCreateOptions
        {
            PaymentIntent = pi.Id,
            Amount = 4000,
            ReverseTransfer = true,
            RefundApplicationFee = true,
        });

        Assert.StartsWith("trr_", refund.TransferReversalId, StringComparison.Ordinal);
        var fee = await new ApplicationFeeService(client).GetAsync(charge.ApplicationFeeId);
        Assert.Equal(1000, fee.Amount);
        Assert.Equal(400, fee.AmountRefunded);
        Assert.False(fee.Refunded);
    }

    [Fact]
    public async Task Reverse_transfer_on_a_charge_without_transfer_is_refused()
    {
        var pi = await this.CreateAsync(amount: 3000);
        await this.Fixture.ConfirmAsync(pi.Id);

        var refused = await Assert.ThrowsAsync<StripeException>(
            () => new RefundService(this.Fixture.Client()).CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, ReverseTransfer = true }));

        Assert.Equal(HttpStatusCode.BadRequest, refused.HttpStatusCode);
        Assert.Equal("reverse_transfer", refused.StripeError.Param);
    }

    [Fact]
    public async Task A_processing_payment_stays_processing_until_the_bank_settles_it()
    {
        var pi = await this.CreateAsync(amount: 2500);

        var processing = await this.Fixture.ConfirmAsync(pi.Id, "processing");
        var seen = await this.PaymentIntents().GetAsync(pi.Id);
        var settled = await this.Fixture.ConfirmAsync(pi.Id);

        Assert.Equal("processing", processing.Status);
        Assert.Equal("processing", seen.Status);
        Assert.Equal("succeeded", settled.Status);
        Assert.Equal(2500, settled.AmountReceived);
    }
}
