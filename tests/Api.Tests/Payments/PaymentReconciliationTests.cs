using BookingAws.Shared.Application.Payments;
using BookingAws.Shared.Data;
using BookingAws.Shared.Data.Payments;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Integrations.Stripe;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace BookingAws.Api.Tests.Payments;

public sealed class PaymentReconciliationTests(PaymentsFixture fixture) : PaymentTest(fixture)
{
    [Fact]
    public async Task Two_instances_reconciling_at_once_settle_each_booking_exactly_once()
    {
        var s = await PaymentScenario.CreateAsync(Fixture, quantity: 1);
        var toConfirm = new List<HoldResponse>();
        var toRefund = new List<(HoldResponse Hold, DateTimeOffset Start)>();
        for (var hour = 8; hour < 11; hour++)
        {
            toConfirm.Add(await s.HoldAsync(s.Slot(2, hour)));
            toRefund.Add((await s.HoldAsync(s.Slot(2, hour + 3)), s.Slot(2, hour + 3)));
        }

        // Paid in time, every webhook lost: these are to be confirmed.
        foreach (var hold in toConfirm)
        {
            Fixture.Relay.Drop(hold.Payment!.PaymentIntentId!);
            await Fixture.PayAsync(hold.Payment.PaymentIntentId!);
        }

        // Lapsed, the slot taken by someone else, then paid (webhooks lost too): these are to be refunded.
        s.Advance(Duration.FromMinutes(11));
        foreach (var (hold, start) in toRefund)
        {
            await s.TakeAsync(start);
            Fixture.Relay.Drop(hold.Payment!.PaymentIntentId!);
            await Fixture.PayAsync(hold.Payment.PaymentIntentId!);
        }

        // Slow Stripe answers make the two instances' batches overlap in time.
        await Fixture.SetFaultsAsync(new { latencyMs = 30 });

        // As the workers run it: in their system scope (it reaches every business).
        using var rowScope = DatabaseScope.System("reconciliation, run as the workers run it");
        var reports = await Task.WhenAll(
            Task.Run(() => Instance().RunAsync(s.TenantId, CancellationToken.None)),
            Task.Run(() => Instance().RunAsync(s.TenantId, CancellationToken.None)));

        Assert.Equal(6, reports.Sum(r => r.Claimed));
        Assert.Equal(3, reports.Sum(r => r.Confirmed));
        Assert.Equal(3, reports.Sum(r => r.Refunded));
        Assert.Equal(0, reports.Sum(r => r.Failed));
        foreach (var hold in toConfirm)
        {
            Assert.Equal(BookingStatus.Confirmed, (await s.EventuallyAsync(hold.Id, BookingStatus.Confirmed)).Status);
            Assert.Single(await s.OutboxAsync("booking.confirmed.v1", hold.Id));
            Assert.Empty(await Fixture.RefundsAsync(hold.Payment!.PaymentIntentId!));
        }

        foreach (var (hold, _) in toRefund)
        {
            Assert.Single(await Fixture.RefundsAsync(hold.Payment!.PaymentIntentId!));
            Assert.Single(await s.OutboxAsync("payment.refunded.v1", hold.Id));
            Assert.Empty(await s.OutboxAsync("booking.confirmed.v1", hold.Id));
        }
    }

    /// <summary>A reconciler with its own gateway, store and service, as a second worker instance would have.</summary>
    private PaymentReconciler Instance()
    {
        var sp = Fixture.Api.Services;
        var store = ActivatorUtilities.CreateInstance<PaymentStore>(sp);
        var gateway = ActivatorUtilities.CreateInstance<StripeGateway>(sp);
        var service = ActivatorUtilities.CreateInstance<PaymentService>(sp, store, gateway);
        return ActivatorUtilities.CreateInstance<PaymentReconciler>(sp, store, service);
    }
}
