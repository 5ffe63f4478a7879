using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Staff;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace BookingAws.Api.Tests.Payments;

/// <summary>The owner's refund of a paid booking (POST /bookings/{id}/refund), through the Stripe emulator.</summary>
public sealed class PaymentOwnerRefundTests(PaymentsFixture fixture) : PaymentTest(fixture)
{
    [Fact]
    public async Task An_owner_refunds_part_then_the_rest_of_a_payment_never_more_than_was_paid_and_a_later_cancellation_gives_nothing_twice()
    {
        var s = await PaymentScenario.CreateAsync(Fixture, priceMinor: 2000);
        var paid = await PaidAsync(s, s.Slot(3, 10));
        var intent = paid.Payment!.PaymentIntentId!;
        Assert.Equal(2000, (await s.GetAsync(paid.Id)).RefundableMinor);

        var goodwill = await (await RefundAsync(s, paid.Id, new { amountMinor = 500, reason = "goodwill" })).ReadAsync<RefundDto>();
        Assert.Equal((500L, "owner:goodwill", "The business refunded you: goodwill."), (goodwill.AmountMinor, goodwill.Reason, goodwill.Description));
        Assert.Matches("^[0-9a-f]{12}$", goodwill.PolicyVersion);

        // The same request again (a retry) is the same refund; more than is left is refused naming the amount.
        await (await RefundAsync(s, paid.Id, new { amountMinor = 500, reason = "goodwill" })).ShouldBe(HttpStatusCode.OK);
        await (await RefundAsync(s, paid.Id, new { amountMinor = 900, reason = "goodwill" })).ShouldBeProblem(HttpStatusCode.Conflict);
        await (await RefundAsync(s, paid.Id, new { amountMinor = 1600, reason = "complaint" })).ShouldBeProblem(HttpStatusCode.BadRequest, "amountMinor");
        var seen = await s.GetAsync(paid.Id);
        Assert.Equal(1500, seen.RefundableMinor);
        Assert.Equal(1500, seen.RefundIfCancelledMinor);
        Assert.Equal("owner:goodwill", Assert.Single(seen.Refunds!).Reason);

        // No amount: the rest.
        var rest = await (await RefundAsync(s, paid.Id, new { reason = "complaint" })).ReadAsync<RefundDto>();
        Assert.Equal(1500, rest.AmountMinor);
        await (await RefundAsync(s, paid.Id, new { reason = "once more" })).ShouldBeProblem(HttpStatusCode.Conflict);

        var refunds = await Fixture.RefundsAsync(intent);
        Assert.Equal(new[] { 500L, 1500L }, refunds.Select(r => r.Amount).Order());
        Assert.Equal(2, (await s.OutboxAsync("payment.refunded.v1", paid.Id)).Count);
        Assert.Equal(0, (await s.GetAsync(paid.Id)).RefundableMinor);

        // The business cancelling would refund in full; all of it is back already, so nothing more goes out.
        await (await s.Owner.PostAsJsonAsync($"/api/v1/bookings/{paid.Id}/cancel", new { })).ShouldBe(HttpStatusCode.OK);
        await ReconcileAsync(s.TenantId);
        Assert.Equal(2, (await Fixture.RefundsAsync(intent)).Count);
    }

    [Fact]
    public async Task Only_the_owner_refunds_only_an_online_payment_and_another_business_finds_nothing()
    {
        var s = await PaymentScenario.CreateAsync(Fixture, priceMinor: 2000);
        var paid = await PaidAsync(s, s.Slot(3, 11));
        var unpaid = await s.HoldAsync(s.Slot(3, 12));
        var stranger = await PaymentScenario.CreateAsync(Fixture);
        var staff = await StaffAsync(s);

        await (await RefundAsync(s, unpaid.Id, new { reason = "goodwill" })).ShouldBeProblem(HttpStatusCode.Conflict);
        await (await staff.PostAsJsonAsync($"/api/v1/bookings/{paid.Id}/refund", new { reason = "goodwill" })).ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await stranger.Owner.PostAsJsonAsync($"/api/v1/bookings/{paid.Id}/refund", new { reason = "goodwill" })).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await RefundAsync(s, paid.Id, new { amountMinor = 0, reason = "goodwill" })).ShouldBeProblem(HttpStatusCode.BadRequest, "amountMinor");
        await (await RefundAsync(s, paid.Id, new { amountMinor = 100 })).ShouldBeProblem(HttpStatusCode.BadRequest, "reason");

        Assert.Empty(await Fixture.RefundsAsync(paid.Payment!.PaymentIntentId!));
        Assert.Null((await s.VisibleAsync(unpaid.Id)).RefundableMinor);
    }

    private static Task<HttpResponseMessage> RefundAsync(PaymentScenario s, Guid bookingId, object body) =>
        s.Owner.PostAsJsonAsync($"/api/v1/bookings/{bookingId}/refund", body);

    private async Task<HoldResponse> PaidAsync(PaymentScenario s, DateTimeOffset start)
    {
        var hold = await s.HoldAsync(start);
        await Fixture.PayAsync(hold.Payment!.PaymentIntentId!);
        await s.EventuallyAsync(hold.Id, BookingStatus.Confirmed);
        return hold;
    }

    private async Task<HttpClient> StaffAsync(PaymentScenario s)
    {
        var email = $"staff-{Guid.NewGuid():N}@example.test";
        var personId = await Fixture.Api.Identity.AddPersonAsync(email);
        await using var scope = Fixture.Api.Services.CreateAsyncScope();
        using var rowScope = DatabaseScope.Tenant(s.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        db.StaffUsers.Add(new StaffUser { TenantId = s.TenantId, PersonId = personId, Email = email, Name = "Staff", Role = Roles.Staff, CreatedAt = SystemClock.Instance.GetCurrentInstant() });
        await db.SaveChangesAsync();
        return await Fixture.Api.SignedInAsync(email);
    }
}
