using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Tenants;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Bookings;

namespace BookingAws.Api.Tests.Payments;

/// <summary>Stripe refusing a payment frees the seats at once; Stripe being down or slow keeps them for a retry.</summary>
public sealed class PaymentStartErrorTests(PaymentsFixture fixture) : PaymentTest(fixture)
{
    [Fact]
    public async Task A_Stripe_4xx_while_holding_answers_a_clear_problem_and_releases_the_seats_at_once()
    {
        // Stripe answers 400 "No such destination" for an account it does not know.
        var s = await PaymentScenario.CreateAsync(Fixture, quantity: 1, stripeAccountId: "not_an_account");
        var start = s.Slot(2, 10);

        var refused = await (await s.PostHoldAsync(start)).ShouldBeProblem(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("Payment refused", refused.GetProperty("title").GetString());
        Assert.DoesNotContain("not_an_account", refused.GetRawText(), StringComparison.Ordinal);
        // The dashboard reads the replica: wait for the release to show.
        var listed = await Eventually.Until(() => s.DashboardListAsync(), l => l.Items.Count == 1 && l.Items[0].Status == BookingStatus.Cancelled);
        Assert.Equal(BookingStatus.Cancelled, Assert.Single(listed.Items).Status);
        await FixAccountAsync(s);
        Assert.Equal(BookingStatus.Held, (await s.HoldAsync(start)).Status);
    }

    [Fact]
    public async Task A_Stripe_4xx_on_the_payment_retry_releases_the_hold_and_answers_a_clear_problem()
    {
        var s = await PaymentScenario.CreateAsync(Fixture, quantity: 1);
        await Fixture.SetFaultsAsync(new { failNextRequests = 2, pathPrefix = "/v1/payment_intents" });
        var hold = await s.HoldAsync(s.Slot(2, 10));
        await Fixture.ClearFaultsAsync();
        Assert.Equal("unavailable", hold.Payment!.Status);
        await (await s.Owner.PutAsJsonAsync($"/api/v1/tenants/{s.Slug}", new UpdateTenantRequest($"Business {s.Slug}", "Etc/UTC", "not_an_account"), ApiFactory.Json))
            .ShouldBe(HttpStatusCode.OK);

        var refused = await (await Fixture.Api.CreateClient().PostAsync(new Uri(hold.Payment.RetryUrl!, UriKind.Relative), null))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("resource_missing", refused.GetProperty("code").GetString());
        Assert.Equal(BookingStatus.Cancelled, (await s.EventuallyAsync(hold.Id, BookingStatus.Cancelled)).Status);
        Assert.Empty(await Fixture.PaymentIntentsForAsync(hold.Id));
    }

    [Fact]
    public async Task With_Stripe_timing_out_the_hold_stands_and_the_retry_gets_the_one_PaymentIntent()
    {
        var s = await PaymentScenario.CreateAsync(Fixture, quantity: 1);
        // Each attempt (Stripe:AttemptTimeout 1 s here) gives up before Stripe answers.
        await Fixture.SetFaultsAsync(new { latencyMs = 1500, pathPrefix = "/v1/payment_intents" });

        var hold = await s.HoldAsync(s.Slot(2, 10));
        await Fixture.ClearFaultsAsync();

        Assert.Equal(BookingStatus.Held, hold.Status);
        Assert.Equal("unavailable", hold.Payment!.Status);
        var retried = await (await Fixture.Api.CreateClient().PostAsync(new Uri(hold.Payment.RetryUrl!, UriKind.Relative), null)).ReadAsync<PaymentPart>();
        Assert.Equal("ready", retried.Status);
        Assert.Equal(retried.PaymentIntentId, Assert.Single(await Fixture.PaymentIntentsForAsync(hold.Id)).Id);
        Assert.Equal(BookingStatus.Held, (await s.VisibleAsync(hold.Id)).Status);
    }

    private static async Task FixAccountAsync(PaymentScenario s) =>
        await (await s.Owner.PutAsJsonAsync($"/api/v1/tenants/{s.Slug}", new UpdateTenantRequest($"Business {s.Slug}", "Etc/UTC", null), ApiFactory.Json))
            .ShouldBe(HttpStatusCode.OK);
}
