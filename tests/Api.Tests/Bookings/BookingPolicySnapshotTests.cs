using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Api.Tests.Payments;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Payments;
using BookingAws.Shared.Domain.Tenants;
using NodaTime;

namespace BookingAws.Api.Tests.Bookings;

/// <summary>The policy that applies to a booking is the one in force when it was made.</summary>
public sealed class BookingPolicySnapshotTests(PaymentsFixture fixture) : PaymentTest(fixture)
{
    [Fact]
    public async Task A_booking_made_under_a_24_hour_window_keeps_it_and_its_refund_rule_after_the_business_changes_its_policy()
    {
        var s = await PaymentScenario.CreateAsync(
            Fixture, priceMinor: 2000, policy: new BookingPolicyDto(0, 90, 30, 0, 0, 10, 24, 24, RefundRule.FullBeforeWindow, 0));
        var start = s.Slot(5, 10);
        var hold = await s.HoldAsync(start);
        await Fixture.PayAsync(hold.Payment!.PaymentIntentId!);
        await s.EventuallyAsync(hold.Id, BookingStatus.Confirmed);

        // Later the business asks for 72 hours' notice and refunds nothing.
        await (await s.Owner.PutAsJsonAsync(
                $"/api/v1/tenants/{s.Slug}/policy", new BookingPolicyDto(0, 90, 30, 0, 0, 10, 72, 72, RefundRule.None, 0), ApiFactory.Json))
            .ShouldBe(HttpStatusCode.OK);
        var seen = await s.GetAsync(hold.Id);
        Assert.Equal(start.AddHours(-24), seen.CancellableUntil);
        Assert.Equal(start.AddHours(-24), seen.ReschedulableUntil);
        Assert.Equal(2000, seen.RefundIfCancelledMinor);

        // Two days before: inside the new 72-hour window, outside the booking's own 24 hours.
        Fixture.Clock.Reset(Instant.FromDateTimeOffset(start) - Duration.FromHours(48));
        var customer = await s.CustomerClientAsync(hold.CustomerId);
        await (await customer.PostAsJsonAsync($"/api/v1/bookings/{hold.Id}/cancel", new { reason = "plans changed" })).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(2000, Assert.Single(await RefundsEventuallyAsync(hold.Payment.PaymentIntentId!, 1)).Amount);
        var told = Assert.Single(await Eventually.Until(() => s.OutboxAsync("payment.refunded.v1", hold.Id), e => e.Count > 0));
        Assert.Equal(BookingRefundReasons.Describe(BookingRefundReasons.Cancellation), told.GetProperty("reason").GetString());
    }

    /// <summary>
    /// The bug the snapshot fixes: the refund was recomputed from the business's policy of the moment it
    /// was (re)tried, so a refund left pending while Stripe was down came to nothing once the business
    /// switched to "no refunds", and reconciliation marked the booking settled without paying it back.
    /// </summary>
    [Fact]
    public async Task A_refund_retried_after_the_business_changed_its_policy_is_the_one_owed_at_cancellation()
    {
        var s = await PaymentScenario.CreateAsync(
            Fixture, priceMinor: 2000, policy: new BookingPolicyDto(0, 90, 30, 0, 0, 10, 24, 24, RefundRule.FullBeforeWindow, 0));
        var hold = await s.HoldAsync(s.Slot(5, 10));
        await Fixture.PayAsync(hold.Payment!.PaymentIntentId!);
        await s.EventuallyAsync(hold.Id, BookingStatus.Confirmed);
        await Fixture.SetFaultsAsync(new { failNextRequests = 2, pathPrefix = "/v1/refunds" });
        var customer = await s.CustomerClientAsync(hold.CustomerId);
        await (await customer.PostAsJsonAsync($"/api/v1/bookings/{hold.Id}/cancel", new { })).ShouldBe(HttpStatusCode.OK);
        Assert.Empty(await Fixture.RefundsAsync(hold.Payment.PaymentIntentId!));

        await (await s.Owner.PutAsJsonAsync(
                $"/api/v1/tenants/{s.Slug}/policy", new BookingPolicyDto(0, 90, 30, 0, 0, 10, 24, 24, RefundRule.None, 0), ApiFactory.Json))
            .ShouldBe(HttpStatusCode.OK);
        await ReconcileAsync(s.TenantId);

        Assert.Equal(2000, Assert.Single(await Fixture.RefundsAsync(hold.Payment.PaymentIntentId!)).Amount);
    }

    [Fact]
    public async Task A_booking_made_under_a_24_hour_window_cannot_be_cancelled_by_its_customer_inside_it_even_if_the_business_shortens_it()
    {
        var s = await PaymentScenario.CreateAsync(
            Fixture, priceMinor: 2000, policy: new BookingPolicyDto(0, 90, 30, 0, 0, 10, 24, 24, RefundRule.FullBeforeWindow, 0));
        var start = s.Slot(5, 10);
        var hold = await s.HoldAsync(start);
        await Fixture.PayAsync(hold.Payment!.PaymentIntentId!);
        await s.EventuallyAsync(hold.Id, BookingStatus.Confirmed);
        await (await s.Owner.PutAsJsonAsync(
                $"/api/v1/tenants/{s.Slug}/policy", new BookingPolicyDto(0, 90, 30, 0, 0, 10, 1, 1, RefundRule.FullBeforeWindow, 0), ApiFactory.Json))
            .ShouldBe(HttpStatusCode.OK);

        Fixture.Clock.Reset(Instant.FromDateTimeOffset(start) - Duration.FromHours(12));
        var customer = await s.CustomerClientAsync(hold.CustomerId);
        await (await customer.PostAsJsonAsync($"/api/v1/bookings/{hold.Id}/cancel", new { })).ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        await (await customer.PostAsJsonAsync($"/api/v1/bookings/{hold.Id}/reschedule", new { startsAt = start.AddHours(1) }))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
    }
}
