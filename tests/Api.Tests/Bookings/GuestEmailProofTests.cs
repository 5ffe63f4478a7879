using System.Net;
using System.Net.Http.Json;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Infrastructure;
using BookingAws.Api.Tests.Identity;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Bookings;

namespace BookingAws.Api.Tests.Bookings;

/// <summary>
/// A guest proves the address with the code emailed to it before a booking is confirmed or paid, and until then the
/// booking is part of no customer's history: typing someone's address books nothing in their name.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class GuestEmailProofTests(ApiFactory api)
{
    [Fact]
    public async Task A_guests_paid_hold_holds_the_seats_but_can_be_paid_or_confirmed_only_after_the_emailed_code()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1, priceMinor: 1500);
        var guest = api.CreateClient();
        var request = s.Guest(BookingScenario.SlotOnDay(3, 10));

        var held = await (await s.HoldAsync(guest, request)).ReadAsync<BookingDto>(HttpStatusCode.Created);
        var payBefore = await guest.PostAsync($"/api/v1/bookings/{held.Id}/payment", null);
        var confirmBefore = await s.Tenant.Owner.PostAsync(s.Tenant.Url($"/bookings/{held.Id}/confirm"), null);
        var someoneElse = await s.HoldAsync(api.CreateClient(), s.Guest(BookingScenario.SlotOnDay(3, 10)));
        var wrong = await GuestProof.ProveAsync(guest, held.Id, WrongCode(GuestProof.CodeFor(api.Services, held.Id, request.Customer!.Email)));
        var proven = await GuestProof.ProveAsync(guest, held.Id, GuestProof.CodeFor(api.Services, held.Id, request.Customer.Email));

        Assert.Equal(BookingStatus.Held, held.Status);
        Assert.True(held.AwaitingEmailProof);
        Assert.NotNull(held.ExpiresAt);
        Assert.Equal("code", (await payBefore.ShouldBeProblem(HttpStatusCode.Conflict)).GetProperty("field").GetString());
        await confirmBefore.ShouldBeProblem(HttpStatusCode.Conflict);
        await someoneElse.ShouldBeProblem(HttpStatusCode.Conflict);
        var problem = await wrong.ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("code", problem.GetProperty("field").GetString());
        Assert.Contains("4 more tries", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var payable = await proven.ReadAsync<Payments.HoldResponse>(HttpStatusCode.OK);
        Assert.Equal(BookingStatus.Held, payable.Status);
        Assert.False(string.IsNullOrEmpty(payable.Payment?.ClientSecret));

        // Entering the code again (a double click, a retry) answers with the booking and changes nothing.
        var again = await (await GuestProof.ProveAsync(guest, held.Id, GuestProof.CodeFor(api.Services, held.Id, request.Customer.Email))).ReadAsync<BookingDto>();
        Assert.Equal((held.Id, BookingStatus.Held, false), (again.Id, again.Status, again.AwaitingEmailProof));
    }

    [Fact]
    public async Task Five_wrong_codes_release_the_hold_and_even_the_right_code_is_refused_after()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 1, priceMinor: 0);
        var guesser = api.CreateClient();
        var request = s.Guest(BookingScenario.SlotOnDay(3, 11));
        var held = await (await s.HoldAsync(guesser, request)).ReadAsync<BookingDto>(HttpStatusCode.Created);
        var code = GuestProof.CodeFor(api.Services, held.Id, request.Customer!.Email);

        for (var i = 1; i < EmailProofState.MaxFailures; i++)
        {
            await (await GuestProof.ProveAsync(guesser, held.Id, WrongCode(code))).ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        }

        var last = await (await GuestProof.ProveAsync(guesser, held.Id, WrongCode(code))).ShouldBeProblem(HttpStatusCode.UnprocessableEntity);
        var right = await GuestProof.ProveAsync(guesser, held.Id, code);

        Assert.Contains("Too many wrong codes", last.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("code", (await right.ShouldBeProblem(HttpStatusCode.UnprocessableEntity)).GetProperty("field").GetString());
        Assert.Equal(BookingStatus.Cancelled, await Ledger.StatusAsync(api.Services, s.Tenant.Id, held.Id));

        // The seat went back at once: the next customer gets it.
        await GuestProof.BookAsync(api, s, api.CreateClient(), s.Guest(BookingScenario.SlotOnDay(3, 11)));
    }

    [Fact]
    public async Task A_guest_booking_made_with_a_customers_address_is_not_in_their_history_until_the_address_is_proven()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 5, priceMinor: 0);
        var email = $"regular-{Guid.NewGuid():N}@example.test";
        await api.Identity.Cognito.EnsureUserAsync(email, TestIdentity.Password, CancellationToken.None);
        var customer = await api.SignedInAsync(email);
        var own = await (await s.HoldAsync(customer, new HoldRequest(s.PackageId, BookingScenario.SlotOnDay(4, 9), 1, null))).ReadAsync<BookingDto>(HttpStatusCode.Created);

        // Someone else types the customer's address into the guest form.
        var stranger = api.CreateClient();
        var request = new HoldRequest(s.PackageId, BookingScenario.SlotOnDay(4, 10), 1, new GuestDetails("Not them", email));
        var planted = await (await s.HoldAsync(stranger, request)).ReadAsync<BookingDto>(HttpStatusCode.Created);

        var history = await (await customer.GetAsync("/api/v1/me/bookings")).ReadAsync<PagedResult<BookingDto>>();
        var opened = await customer.GetAsync($"/api/v1/bookings/{planted.Id}");
        var cancelled = await customer.PostAsJsonAsync($"/api/v1/bookings/{planted.Id}/cancel", new CancelRequest(null), ApiFactory.Json);

        Assert.Equal(BookingStatus.Confirmed, own.Status);
        Assert.False(own.AwaitingEmailProof);
        Assert.Equal([own.Id], history.Items.Select(b => b.Id));
        await opened.ShouldBe(HttpStatusCode.NotFound);
        await cancelled.ShouldBe(HttpStatusCode.NotFound);
        Assert.Equal(BookingStatus.Held, await Ledger.StatusAsync(api.Services, s.Tenant.Id, planted.Id));

        // Whoever reads that inbox enters the code: then it is the customer's booking like any other.
        await (await GuestProof.ProveAsync(stranger, planted.Id, GuestProof.CodeFor(api.Services, planted.Id, email))).ShouldBe(HttpStatusCode.OK);
        var after = await Eventually.Until(
            async () => await (await customer.GetAsync("/api/v1/me/bookings")).ReadAsync<PagedResult<BookingDto>>(), h => h.Items.Count == 2);
        Assert.Equal(new[] { own.Id, planted.Id }.Order(), after.Items.Select(b => b.Id).Order());
    }

    /// <summary>Another six digits than the code: every digit moved on by one.</summary>
    private static string WrongCode(string code) => string.Concat(code.Select(c => (char)('0' + ((c - '0' + 1) % 10))));
}
