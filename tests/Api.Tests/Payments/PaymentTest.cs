using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Application.Payments;
using BookingAws.Shared.Data;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Stripe;

namespace BookingAws.Api.Tests.Payments;

/// <summary>
/// Every payment test starts at the real time, with no faults switched on. The tests join the "api"
/// collection so they never run beside tests that sweep all holds of the shared database with a clock
/// far ahead (they would expire these tests' holds); each class gets its own API, emulator and clock.
/// </summary>
[Collection(ApiCollection.Name)]
public abstract class PaymentTest(PaymentsFixture fixture) : IAsyncLifetime, IClassFixture<PaymentsFixture>
{
    protected PaymentsFixture Fixture { get; } = fixture;

    public async Task InitializeAsync()
    {
        this.Fixture.Clock.Reset(SystemClock.Instance.GetCurrentInstant());
        await this.Fixture.ClearFaultsAsync();
    }

    public Task DisposeAsync() => this.Fixture.ClearFaultsAsync();

    /// <summary>Reconciliation as the workers run it: in their system scope (it reaches every business).</summary>
    protected async Task<ReconciliationReport> ReconcileAsync(Guid tenantId)
    {
        using var rowScope = DatabaseScope.System("reconciliation, run as the workers run it");
        return await this.Fixture.Api.Services.GetRequiredService<PaymentReconciler>().RunAsync(tenantId, CancellationToken.None);
    }

    protected Task<PaymentIntent> PaymentIntentAsync(string id) => new PaymentIntentService(this.Fixture.Stripe).GetAsync(id);

    /// <summary>Waits until the emulator has sent (and the relay seen) a webhook of this type for the PaymentIntent.</summary>
    protected async Task SeenAsync(string paymentIntentId, string type, int count = 1)
    {
        var seen = await Eventually.Until(() => Task.FromResult(this.Fixture.Relay.Seen(paymentIntentId, type)), d => d.Count >= count);
        Assert.True(seen.Count >= count, $"Expected {count} {type} webhook(s) for {paymentIntentId}, saw {seen.Count}");
    }

    protected async Task<List<Refund>> RefundsEventuallyAsync(string paymentIntentId, int count)
    {
        var refunds = await Eventually.Until(() => this.Fixture.RefundsAsync(paymentIntentId), r => r.Count >= count);
        return refunds;
    }
}
