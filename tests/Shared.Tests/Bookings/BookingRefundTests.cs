using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;
using CsCheck;
using NodaTime;
using static BookingAws.Shared.Tests.Bookings.BookingModel;

namespace BookingAws.Shared.Tests.Bookings;

/// <summary>The refund a cancellation owes, by who cancels and when, under the booking's own policy.</summary>
public sealed class BookingRefundTests
{
    private static readonly Instant Deadline = Start - Duration.FromHours(24);

    [Theory]
    [InlineData(RefundRule.FullBeforeWindow, 0, 5000, 0)]
    [InlineData(RefundRule.PartialAfterWindow, 40, 5000, 2000)]
    [InlineData(RefundRule.None, 0, 0, 0)]
    public void A_customer_gets_the_rule_before_and_after_the_deadline(RefundRule rule, int latePercent, long atDeadline, long after)
    {
        var booking = Confirmed(Policy(cancelHours: 24, rule: rule, latePercent: latePercent));

        Assert.Equal(atDeadline, booking.RefundFor(Actor.Customer, Deadline));
        Assert.Equal(after, booking.RefundFor(Actor.Customer, Deadline + Duration.FromTicks(10)));
    }

    [Theory]
    [InlineData(Actor.Business)]
    [InlineData(Actor.System)]
    public void The_business_or_the_system_cancelling_refunds_in_full_whatever_the_rule(Actor actor)
    {
        var booking = Confirmed(Policy(rule: RefundRule.None));

        Assert.Equal(5000, booking.RefundFor(actor, Start));
        Assert.Equal(5000, Accept(booking.Cancel(actor, Start, null)).RefundOwedMinor);
    }

    [Fact]
    public void The_refund_owed_is_recomputed_the_same_from_the_cancelled_booking()
    {
        var booking = Confirmed(Policy(rule: RefundRule.PartialAfterWindow, latePercent: 25));

        var byCustomer = Accept(booking.Cancel(Actor.Customer, Deadline - Duration.FromHours(1), null));
        var byBusiness = Accept(booking.Cancel(Actor.Business, Start - Duration.FromHours(1), null));

        Assert.Equal((5000L, 5000L), (byCustomer.RefundOwedMinor, byCustomer.Booking.RefundOwed()));
        Assert.Equal((5000L, 5000L), (byBusiness.RefundOwedMinor, byBusiness.Booking.RefundOwed()));
        Assert.Equal(0, Confirmed().RefundOwed());
    }

    [Fact]
    public void A_hold_owes_nothing_it_never_took()
    {
        Assert.Equal(0, Held().RefundFor(Actor.Business, Now));
        Assert.Equal(0, Accept(Held().Cancel(Actor.Customer, Now, null)).Booking.RefundOwed());
    }

    [Fact]
    public void A_later_change_of_the_business_policy_does_not_touch_a_booking_made_before_it()
    {
        // Made under a 24 h window with full refunds; the business now has 72 h and no refunds.
        var booking = Confirmed(Policy(cancelHours: 24)).WithPolicyOr(Policy(cancelHours: 72, rule: RefundRule.None));
        var twoDaysBefore = Start - Duration.FromHours(48);

        Assert.Equal(Deadline, booking.CancellationDeadline);
        Assert.Equal(5000, Accept(booking.Cancel(Actor.Customer, twoDaysBefore, null)).RefundOwedMinor);
    }

    [Fact]
    public void Refunds_never_exceed_the_price_never_go_negative_and_never_grow_as_the_start_nears()
    {
        var gen =
            from rule in Gen.Enum<RefundRule>()
            from percent in Gen.Int[0, 100]
            from hours in Gen.Int[0, 24 * 30]
            from unit in Gen.Long[0, 1_000_000]
            from seats in Gen.Int[1, 20]
            from earlier in Gen.Int[0, 24 * 60 * 40]
            from later in Gen.Int[0, 24 * 60 * 40]
            from actor in Gen.Enum<Actor>()
            select (rule, percent, hours, unit, seats, Math.Max(earlier, later), Math.Min(earlier, later), actor);

        gen.Sample(c =>
        {
            var (rule, percent, hours, unit, seats, farther, nearer, actor) = c;
            var booking = Accept(New(Policy(cancelHours: hours, rule: rule, latePercent: percent), unit, seats).Booking.Confirm(Now, "pi", 1)).Booking;
            var early = booking.RefundFor(actor, Start - Duration.FromMinutes(farther));
            var late = booking.RefundFor(actor, Start - Duration.FromMinutes(nearer));
            return early >= late && late >= 0 && early <= booking.AmountMinor
                && (actor != Actor.Customer ? early == booking.AmountMinor : rule != RefundRule.None || early == 0);
        });
    }
}
