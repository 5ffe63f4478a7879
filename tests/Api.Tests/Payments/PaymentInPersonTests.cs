using System.Net;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Payments;

namespace BookingAws.Api.Tests.Payments;

/// <summary>One booking, one payment: "paid in person" and the online PaymentIntent never both take money.</summary>
public sealed class PaymentInPersonTests(PaymentsFixture fixture) : PaymentTest(fixture)
{
    [Fact]
    public async Task Confirming_in_person_cancels_the_PaymentIntent_so_the_customer_cannot_pay_it_too()
    {
        var s = await PaymentScenario.CreateAsync(Fixture);
        var hold = await s.HoldAsync(s.Slot(2, 10));

        var confirmed = await (await s.Owner.PostAsync(ConfirmUrl(s, hold.Id), null)).ReadAsync<Features.Bookings.BookingDto>();

        Assert.Equal(BookingStatus.Confirmed, confirmed.Status);
        Assert.Null(confirmed.ReceiptNumber);
        Assert.Equal("canceled", (await PaymentIntentAsync(hold.Payment!.PaymentIntentId!)).Status);
        await Assert.ThrowsAsync<HttpRequestException>(() => Fixture.PayAsync(hold.Payment.PaymentIntentId!));
        Assert.Equal(BookingStatus.Confirmed, (await s.VisibleAsync(hold.Id)).Status);
        Assert.Equal(0, (await ReconcileAsync(s.TenantId)).Claimed);
    }

    [Fact]
    public async Task Confirming_in_person_is_refused_while_the_online_payment_is_processing_and_that_payment_confirms_it()
    {
        var s = await PaymentScenario.CreateAsync(Fixture);
        var hold = await s.HoldAsync(s.Slot(2, 10));
        var intentId = hold.Payment!.PaymentIntentId!;
        using (var processing = await Fixture.Emulator.PostAsync(new Uri($"/test/payment_intents/{intentId}/confirm?outcome=processing", UriKind.Relative), null))
        {
            processing.EnsureSuccessStatusCode();
        }

        var refused = await (await s.Owner.PostAsync(ConfirmUrl(s, hold.Id), null)).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Contains("being processed", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Fixture.PayAsync(intentId);

        var confirmed = await s.EventuallyAsync(hold.Id, BookingStatus.Confirmed);
        Assert.Equal(intentId, confirmed.PaymentIntentId);
        Assert.NotNull(confirmed.ReceiptNumber);
        Assert.Empty(await Fixture.RefundsAsync(intentId));
    }

    [Fact]
    public async Task Confirming_in_person_after_the_customer_paid_online_is_refused_and_the_payment_confirms_the_booking()
    {
        var s = await PaymentScenario.CreateAsync(Fixture);
        var hold = await s.HoldAsync(s.Slot(2, 10));
        var intentId = hold.Payment!.PaymentIntentId!;
        Fixture.Relay.Drop(intentId);
        await Fixture.PayAsync(intentId);
        await SeenAsync(intentId, "payment_intent.succeeded");

        await (await s.Owner.PostAsync(ConfirmUrl(s, hold.Id), null)).ShouldBeProblem(HttpStatusCode.Conflict);

        var confirmed = await s.EventuallyAsync(hold.Id, BookingStatus.Confirmed);
        Assert.Equal(intentId, confirmed.PaymentIntentId);
        Assert.Equal(1, confirmed.ReceiptNumber);
        Assert.Empty(await Fixture.RefundsAsync(intentId));
    }

    [Fact]
    public async Task A_payment_that_slips_past_an_in_person_confirmation_is_refunded_in_full_and_shown_on_the_booking()
    {
        var s = await PaymentScenario.CreateAsync(Fixture, priceMinor: 3000);
        var hold = await s.HoldAsync(s.Slot(2, 10));
        var intentId = hold.Payment!.PaymentIntentId!;
        using var counter = new AnomalyCounter();
        // Stripe is down just when the business confirms: the PaymentIntent stays payable.
        await Fixture.SetFaultsAsync(new { failNextRequests = 2, pathPrefix = $"/v1/payment_intents/{intentId}/cancel" });
        await (await s.Owner.PostAsync(ConfirmUrl(s, hold.Id), null)).ShouldBe(HttpStatusCode.OK);
        await Fixture.ClearFaultsAsync();

        await Fixture.PayAsync(intentId);

        var refund = Assert.Single(await RefundsEventuallyAsync(intentId, 1));
        Assert.Equal(3000, refund.Amount);
        var booking = await PaymentChecks.WithRefundsAsync(s.Owner, hold.Id);
        Assert.Equal(BookingStatus.Confirmed, booking.Status);
        var shown = Assert.Single(booking.Refunds!);
        Assert.Equal((3000L, BookingRefundReasons.DuplicatePayment), (shown.AmountMinor, shown.Reason));
        Assert.Contains(PaymentAnomalyKinds.DuplicatePayment, await Fixture.AnomaliesAsync(intentId));
        Assert.True(counter.Count(PaymentAnomalyKinds.DuplicatePayment) >= 1);
        Assert.Single(await s.OutboxAsync("booking.confirmed.v1", hold.Id));
    }

    [Fact]
    public async Task When_the_PaymentIntent_could_not_be_cancelled_reconciliation_cancels_it_later()
    {
        var s = await PaymentScenario.CreateAsync(Fixture);
        var hold = await s.HoldAsync(s.Slot(2, 10));
        var intentId = hold.Payment!.PaymentIntentId!;
        await Fixture.SetFaultsAsync(new { failNextRequests = 2, pathPrefix = $"/v1/payment_intents/{intentId}/cancel" });
        await (await s.Owner.PostAsync(ConfirmUrl(s, hold.Id), null)).ShouldBe(HttpStatusCode.OK);
        await Fixture.ClearFaultsAsync();
        Assert.Equal("requires_payment_method", (await PaymentIntentAsync(intentId)).Status);

        var report = await ReconcileAsync(s.TenantId);

        Assert.Equal(1, report.Claimed);
        Assert.Equal("canceled", (await PaymentIntentAsync(intentId)).Status);
        Assert.Equal(BookingStatus.Confirmed, (await s.VisibleAsync(hold.Id)).Status);
        Assert.Equal(0, (await ReconcileAsync(s.TenantId)).Claimed);
    }

    private static Uri ConfirmUrl(PaymentScenario s, Guid bookingId) => new($"/api/v1/tenants/{s.Slug}/bookings/{bookingId}/confirm", UriKind.Relative);
}
