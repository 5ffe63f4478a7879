using BookingAws.Shared.Domain.Payments;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Stripe;

namespace BookingAws.Api.Tests.Payments;

/// <summary>Every payment test starts at the real time, with no faults switched on.</summary>
[Collection(PaymentsCollection.Name)]
public abstract class PaymentTest(PaymentsFixture fixture) : IAsyncLifetime
{
    protected PaymentsFixture Fixture { get; } = fixture;

    public async Task InitializeAsync()
    {
        this.Fixture.Clock.Reset(SystemClock.Instance.GetCurrentInstant());
        await this.Fixture.ClearFaultsAsync();
    }

    public Task DisposeAsync() => this.Fixture.ClearFaultsAsync();

    protected Task<ReconciliationReport> ReconcileAsync(Guid tenantId) =>
        this.Fixture.Api.Services.GetRequiredService<PaymentReconciler>().RunAsync(tenantId, CancellationToken.None);

    protected Task<PaymentIntent> PaymentIntentAsync(string id) => new PaymentIntentService(this.Fixture.Stripe).GetAsync(id);

    /// <summary>Waits until the emulator has sent (and the relay seen) a webhook of this type for the PaymentIntent.</summary>
    protected async Task SeenAsync(string paymentIntentId, string type, int count = 1)
    {
        var seen = await Infrastructure.Eventually.Until(() => Task.FromResult(this.Fixture.Relay.Seen(paymentIntentId, type)), d => d.Count >= count);
        Assert.True(seen.Count >= count, $"Expected {count} {type} webhook(s) for {paymentIntentId}, saw {seen.Count}");
    }

    protected async Task<List<Refund>> RefundsEventuallyAsync(string paymentIntentId, int count)
    {
        var refunds = await Infrastructure.Eventually.Until(() => this.Fixture.RefundsAsync(paymentIntentId), r => r.Count >= count);
        return refunds;
    }
}
