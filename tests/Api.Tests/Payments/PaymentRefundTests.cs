using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Payments;
using BookingAws.Shared.Domain.Tenants;
using NodaTime;

namespace BookingAws.Api.Tests.Payments;

public sealed class PaymentRefundTests(PaymentsFixture fixture) : PaymentTest(fixture)
{
    [Fact]
    public async Task Payment_after_the_hold_expired_and_the_slot_was_taken_is_refunded_and_the_customer_told()
    {
        var s = await PaymentScenario.CreateAsync(Fixture, quantity: 1, priceMinor: 3000);
        var start = s.Slot(2, 10);
        var late = await s.HoldAsync(start);
        s.Advance(Duration.FromMinutes(11));
        var other = await s.TakeAsync(start);

        await Fixture.PayAsync(late.Payment!.PaymentIntentId!);

        var refund = Assert.Single(await RefundsEventuallyAsync(late.Payment.PaymentIntentId!, 1));
        Assert.Equal(3000, refund.Amount);
        var told = Assert.Single(await Eventually.Until(() => s.OutboxAsync("payment.refunded.v1", late.Id), e => e.Count > 0));
        Assert.Equal(BookingRefundReasons.Describe(BookingRefundReasons.HoldLapsed), told.GetProperty("reason").GetString());
        Assert.Equal(3000, told.GetProperty("amountMinor").GetInt64());
        Assert.Empty(await s.OutboxAsync("booking.confirmed.v1", late.Id));
        Assert.NotEqual(BookingStatus.Confirmed, (await s.VisibleAsync(late.Id)).Status);
        Assert.Equal(BookingStatus.Confirmed, (await s.VisibleAsync(other)).Status);
    }

    [Fact]
    public async Task A_customer_cancelling_exactly_at_the_window_boundary_is_refunded_in_full_and_a_business_cancelling_later_refunds_in_full_too()
    {
        var s = await PaymentScenario.CreateAsync(
            Fixture, priceMinor: 2000, policy: new BookingPolicyDto(0, 90, 30, 0, 0, 10, 24, 24, RefundRule.PartialAfterWindow, 40));
        var onTime = await PaidAsync(s, s.Slot(3, 10));
        var late = await PaidAsync(s, s.Slot(3, 11));

        Fixture.Clock.Reset(Instant.FromDateTimeOffset(s.Slot(3, 10)) - Duration.FromHours(24));
        await (await (await s.CustomerClientAsync(onTime.CustomerId)).PostAsJsonAsync($"/api/v1/bookings/{onTime.Id}/cancel", new { reason = "ill" })).ShouldBe(HttpStatusCode.OK);

        Fixture.Clock.Reset(Instant.FromDateTimeOffset(s.Slot(3, 11)) - Duration.FromHours(24) + Duration.FromTicks(10));
        await (await (await s.CustomerClientAsync(late.CustomerId)).PostAsJsonAsync($"/api/v1/bookings/{late.Id}/cancel", new { reason = "ill" }))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        await (await s.Owner.PostAsJsonAsync($"/api/v1/bookings/{late.Id}/cancel", new { reason = "asked by phone" })).ShouldBe(HttpStatusCode.OK);

        // The late share (40 %) is a customer's rule; customers can no longer cancel then, and the business
        // cancelling refunds in full (Booking.RefundFor; the late share is checked in BookingRefundTests).
        Assert.Equal(2000, Assert.Single(await Fixture.RefundsAsync(onTime.Payment!.PaymentIntentId!)).Amount);
        Assert.Equal(2000, Assert.Single(await Fixture.RefundsAsync(late.Payment!.PaymentIntentId!)).Amount);
        Assert.Equal(BookingRefundReasons.Describe(BookingRefundReasons.Cancellation), Assert.Single(await s.OutboxAsync("payment.refunded.v1", late.Id)).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Refunds_happen_once_however_often_cancellation_and_reconciliation_repeat()
    {
        var s = await PaymentScenario.CreateAsync(Fixture, priceMinor: 2000);
        var booking = await PaidAsync(s, s.Slot(3, 10));
        // Stripe is down at the moment of cancellation: the refund waits for reconciliation.
        await Fixture.SetFaultsAsync(new { failNextRequests = 2, pathPrefix = "/v1/refunds" });

        await (await s.Owner.PostAsJsonAsync($"/api/v1/bookings/{booking.Id}/cancel", new { })).ShouldBe(HttpStatusCode.OK);
        await (await s.Owner.PostAsJsonAsync($"/api/v1/bookings/{booking.Id}/cancel", new { })).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Empty(await Fixture.RefundsAsync(booking.Payment!.PaymentIntentId!));

        await ReconcileAsync(s.TenantId);
        await ReconcileAsync(s.TenantId);

        Assert.Equal(2000, Assert.Single(await Fixture.RefundsAsync(booking.Payment.PaymentIntentId!)).Amount);
        Assert.Single(await s.OutboxAsync("payment.refunded.v1", booking.Id));
    }

    [Fact]
    public async Task Under_a_no_refund_rule_a_customer_gets_nothing_but_a_business_cancellation_refunds_in_full()
    {
        var s = await PaymentScenario.CreateAsync(
            Fixture, priceMinor: 2000, policy: new BookingPolicyDto(0, 90, 30, 0, 0, 10, 24, 24, RefundRule.None, 0));
        var byCustomer = await PaidAsync(s, s.Slot(3, 10));
        var byBusiness = await PaidAsync(s, s.Slot(3, 11));

        await (await (await s.CustomerClientAsync(byCustomer.CustomerId)).PostAsJsonAsync($"/api/v1/bookings/{byCustomer.Id}/cancel", new { }))
            .ShouldBe(HttpStatusCode.OK);
        Fixture.Clock.Reset(Instant.FromDateTimeOffset(s.Slot(3, 11)) - Duration.FromHours(23));
        await (await s.Owner.PostAsJsonAsync($"/api/v1/bookings/{byBusiness.Id}/cancel", new { })).ShouldBe(HttpStatusCode.OK);
        await ReconcileAsync(s.TenantId);

        Assert.Empty(await Fixture.RefundsAsync(byCustomer.Payment!.PaymentIntentId!));
        Assert.Empty(await s.OutboxAsync("payment.refunded.v1", byCustomer.Id));
        Assert.Equal(2000, Assert.Single(await Fixture.RefundsAsync(byBusiness.Payment!.PaymentIntentId!)).Amount);
        Assert.Single(await s.OutboxAsync("payment.refunded.v1", byBusiness.Id));
    }

    private async Task<HoldResponse> PaidAsync(PaymentScenario s, DateTimeOffset start)
    {
        var hold = await s.HoldAsync(start);
        await Fixture.PayAsync(hold.Payment!.PaymentIntentId!);
        await s.EventuallyAsync(hold.Id, BookingStatus.Confirmed);
        return hold;
    }
}
