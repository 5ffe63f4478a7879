using System.Net.Http.Json;
using Stripe;

namespace BookingAws.StripeEmulator.Tests;

public sealed class ControlTests(EmulatorFixture fixture) : EmulatorTest(fixture)
{
    [Fact]
    public async Task Webhook_secret_changed_at_runtime_signs_the_next_events()
    {
        var pi = await this.CreateAsync();
        using (var set = await this.Fixture.Control.PostAsJsonAsync("/test/config", new { webhookSecret = "whsec_rotated" }))
        {
            set.EnsureSuccessStatusCode();
        }

        try
        {
            await this.Fixture.ConfirmAsync(pi.Id);

            var delivered = await EmulatorFixture.Eventually(
                () => this.Fixture.DeliveriesFor(pi.Id, "payment_intent.succeeded"), 1, "payment_intent.succeeded");
            var evt = EventUtility.ConstructEvent(delivered[0].Body, delivered[0].Signature, "whsec_rotated");
            Assert.Equal(pi.Id, ((PaymentIntent)evt.Data.Object).Id);
        }
        finally
        {
            using var restore = await this.Fixture.Control.PostAsJsonAsync("/test/config", new { webhookSecret = EmulatorFixture.WebhookSecret });
            restore.EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task Reset_forgets_every_object_and_the_request_log()
    {
        var pi = await this.CreateAsync();

        using (var reset = await this.Fixture.Control.PostAsync(new Uri("/test/reset", UriKind.Relative), null))
        {
            reset.EnsureSuccessStatusCode();
        }

        Assert.Empty(await this.Fixture.RequestLogAsync());
        var ex = await Assert.ThrowsAsync<StripeException>(() => this.PaymentIntents().GetAsync(pi.Id));
        Assert.Equal("resource_missing", ex.StripeError.Code);
    }
}
