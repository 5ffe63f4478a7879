using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Messaging;
using NodaTime;
using static BookingAws.Shared.Tests.Bookings.BookingModel;

namespace BookingAws.Shared.Tests.Bookings;

/// <summary>Every transition of the booking model and every refusal, with the current instant passed in.</summary>
public sealed class BookingLifecycleTests
{
    private static readonly Duration Minute = Duration.FromMinutes(1);

    [Fact]
    public void A_paid_package_is_held_for_the_policys_hold_minutes_and_snapshots_the_policy()
    {
        var made = New(Policy(cancelHours: 12, before: 5, after: 15));

        Assert.Equal(BookingStatus.Held, made.Booking.Status);
        Assert.Equal(Now + Duration.FromMinutes(10), made.Booking.ExpiresAt);
        Assert.Equal(5000, made.Booking.AmountMinor);
        Assert.Equal(12, made.Booking.Policy!.CancellationWindowHours);
        Assert.NotNull(made.Held);
        Assert.Null(made.Confirmed);
        Assert.Equal(made.Booking.ExpiresAt!.Value.ToDateTimeOffset(), made.Held!.ExpiresAt);
    }

    [Fact]
    public void A_free_package_is_confirmed_at_once()
    {
        var made = New(unitPrice: 0);

        Assert.Equal(BookingStatus.Confirmed, made.Booking.Status);
        Assert.Null(made.Booking.ExpiresAt);
        Assert.Equal(Now, made.Booking.ConfirmedAt);
        Assert.Null(made.Held);
        Assert.Equal(BookingStatus.Confirmed, made.Confirmed!.Booking.Status);
    }

    [Fact]
    public void A_guests_booking_is_held_whatever_its_price_until_the_address_is_proven_and_cannot_be_confirmed_before()
    {
        var free = New(unitPrice: 0, guest: true);
        var paid = New(guest: true);

        Assert.Equal((BookingStatus.Held, Now + Duration.FromMinutes(10), true), (free.Booking.Status, free.Booking.ExpiresAt, free.Booking.AwaitsEmailProof));
        Assert.True(free.Held!.EmailProofRequired);
        Assert.Null(free.Confirmed);
        Assert.True(paid.Booking.AwaitsEmailProof);
        Refusal<BookingConfirmed, BookingRefusal.EmailNotProven>(paid.Booking.Confirm(Now + Minute, "pi_1", 1));
        Refusal<BookingConfirmed, BookingRefusal.EmailNotProven>(paid.Booking.ConfirmLatePayment(Now + Minute, "pi_1", 1));
    }

    [Fact]
    public void Proving_the_address_confirms_a_free_booking_and_makes_a_paid_one_payable()
    {
        var free = Assert.IsType<EmailProofDecision.Accepted>(New(unitPrice: 0, guest: true).Booking.ProveEmail(Now + Minute));
        var paid = Assert.IsType<EmailProofDecision.Accepted>(New(guest: true).Booking.ProveEmail(Now + Minute));

        Assert.Equal(BookingStatus.Confirmed, free.Confirmed!.Booking.Status);
        Assert.Equal(EmailProofState.Proven, free.Confirmed.Booking.EmailProof);
        Assert.Null(free.Confirmed.Booking.ExpiresAt);
        Assert.Equal((BookingStatus.Held, EmailProofState.Proven), (paid.Booking.Status, paid.Booking.EmailProof));
        Assert.Null(paid.Confirmed);
        Assert.IsType<BookingDecision<BookingConfirmed>.Accepted>(paid.Booking.Confirm(Now + Minute + Minute, "pi_2", 2));
    }

    [Fact]
    public void An_address_is_proven_only_while_its_hold_runs_and_only_once()
    {
        var held = New(guest: true).Booking;

        var late = Assert.IsType<EmailProofDecision.Refused>(held.ProveEmail(held.ExpiresAt!.Value));
        var proven = Assert.IsType<EmailProofDecision.Accepted>(held.ProveEmail(Now + Minute)).Booking;
        var twice = Assert.IsType<EmailProofDecision.Refused>(proven.ProveEmail(Now + Minute + Minute));
        var signedIn = Assert.IsType<EmailProofDecision.Refused>(New().Booking.ProveEmail(Now + Minute));

        Assert.Equal(new BookingRefusal.WrongState(BookingStatus.Expired), late.Refusal);
        Assert.IsType<BookingRefusal.NothingToProve>(twice.Refusal);
        Assert.IsType<BookingRefusal.NothingToProve>(signedIn.Refusal);
    }

    [Fact]
    public void The_occupied_window_is_the_slot_widened_by_the_snapshotted_buffers()
    {
        var booking = Held(Policy(before: 15, after: 30));

        Assert.Equal(new OccupiedWindow(Start - Duration.FromMinutes(15), Start + Duration.FromMinutes(90)), booking.Occupied);
    }

    [Fact]
    public void Confirming_a_running_hold_confirms_it_with_its_payment_and_receipt()
    {
        var held = Held();

        var accepted = Accept(held.Confirm(Now + Minute, "pi_9", 3));

        Assert.Equal(BookingStatus.Confirmed, accepted.Booking.Status);
        Assert.Null(accepted.Booking.ExpiresAt);
        Assert.Equal(Now + Minute, accepted.Booking.ConfirmedAt);
        Assert.Equal(("pi_9", 3), (accepted.Event.PaymentIntentId, accepted.Event.ReceiptNumber));
        Assert.Equal(BookingStatus.Held, held.Status);
    }

    [Fact]
    public void Confirming_a_lapsed_hold_is_refused_as_expired_even_before_the_sweep()
    {
        var held = Held();

        Assert.Equal(BookingStatus.Expired, Refusal<BookingConfirmed, BookingRefusal.WrongState>(held.Confirm(held.ExpiresAt!.Value, null, null)).Status);
    }

    [Theory]
    [InlineData(BookingStatus.Confirmed)]
    [InlineData(BookingStatus.Cancelled)]
    public void Confirming_anything_but_a_hold_is_refused(string status)
    {
        var booking = status == BookingStatus.Confirmed ? Confirmed() : Accept(Held().Cancel(Actor.Business, Now, null)).Booking;

        Assert.Equal(status, Refusal<BookingConfirmed, BookingRefusal.WrongState>(booking.Confirm(Now, null, null)).Status);
    }

    [Fact]
    public void Only_a_payment_names_a_receipt_and_only_for_a_paid_package()
    {
        Assert.True(Held().EarnsReceipt("pi_1"));
        Assert.False(Held().EarnsReceipt(null));
        Assert.False(New(unitPrice: 0).Booking.EarnsReceipt("pi_1"));
    }

    [Fact]
    public void A_late_payment_confirms_a_lapsed_or_expired_hold_while_its_slot_is_ahead()
    {
        var held = Held();
        var expired = Accept(held.Expire(held.ExpiresAt!.Value)).Booking;

        Assert.Equal(BookingStatus.Confirmed, Accept(held.ConfirmLatePayment(held.ExpiresAt!.Value + Minute, "pi_2", 4)).Booking.Status);
        Assert.Equal(4, Accept(expired.ConfirmLatePayment(Start - Minute, "pi_2", 4)).Booking.ReceiptNumber);
        Assert.Equal(BookingStatus.Expired, Refusal<BookingConfirmed, BookingRefusal.WrongState>(expired.ConfirmLatePayment(Start, "pi_2", 4)).Status);
        Assert.Equal(BookingStatus.Expired, Refusal<BookingConfirmed, BookingRefusal.WrongState>(held.ConfirmLatePayment(Start, "pi_2", 4)).Status);
        var cancelled = Accept(held.Cancel(Actor.Customer, Now, null)).Booking;
        Assert.Equal(BookingStatus.Cancelled, Refusal<BookingConfirmed, BookingRefusal.WrongState>(cancelled.ConfirmLatePayment(Now, "pi_2", 4)).Status);
    }

    [Fact]
    public void A_customer_cancels_a_confirmed_booking_until_the_deadline_inclusive_and_not_a_moment_later()
    {
        var booking = Confirmed(Policy(cancelHours: 24));
        var deadline = Start - Duration.FromHours(24);

        var accepted = Accept(booking.Cancel(Actor.Customer, deadline, "ill"));
        var refused = Refusal<BookingCancelled, BookingRefusal.WindowClosed>(booking.Cancel(Actor.Customer, deadline + Duration.FromTicks(10), "ill"));

        Assert.Equal(deadline, booking.CancellationDeadline);
        Assert.Equal((BookingStatus.Cancelled, "customer", "ill", deadline), (accepted.Booking.Status, accepted.Booking.CancelledBy, accepted.Booking.CancelReason, accepted.Booking.CancelledAt!.Value));
        Assert.Equal(("customer", "ill"), (accepted.Event.CancelledBy, accepted.Event.Reason));
        Assert.Equal(deadline, refused.Deadline);
    }

    [Theory]
    [InlineData(Actor.Business)]
    [InlineData(Actor.System)]
    public void The_business_and_the_system_cancel_whenever(Actor actor)
    {
        var booking = Confirmed();

        Assert.Equal(actor.ToString().ToLowerInvariant(), Accept(booking.Cancel(actor, Start + Minute, null)).Booking.CancelledBy);
    }

    [Fact]
    public void A_hold_can_be_cancelled_by_its_customer_at_any_time_and_frees_its_expiry()
    {
        var accepted = Accept(Held().Cancel(Actor.Customer, Start, null));

        Assert.Equal(BookingStatus.Cancelled, accepted.Booking.Status);
        Assert.Null(accepted.Booking.ExpiresAt);
        Assert.Equal(0, accepted.RefundOwedMinor);
    }

    [Theory]
    [InlineData(BookingStatus.Cancelled)]
    [InlineData(BookingStatus.Expired)]
    [InlineData(BookingStatus.Completed)]
    public void Cancelling_a_finished_booking_is_refused(string status)
    {
        var booking = Finished(status);

        Assert.Equal(status, Refusal<BookingCancelled, BookingRefusal.WrongState>(booking.Cancel(Actor.Business, Now, null)).Status);
    }

    [Fact]
    public void Releasing_is_for_holds_only()
    {
        var released = Accept(Held().ReleaseHold(Now, "payment_failed"));

        Assert.Equal(("system", "payment_failed"), (released.Booking.CancelledBy, released.Booking.CancelReason));
        Assert.Equal(BookingStatus.Confirmed, Refusal<BookingCancelled, BookingRefusal.WrongState>(Confirmed().ReleaseHold(Now, "payment_failed")).Status);
    }

    [Fact]
    public void A_customer_moves_a_confirmed_booking_until_the_reschedule_deadline()
    {
        var booking = Confirmed(Policy(rescheduleHours: 48));
        var target = SlotAt(Start + Duration.FromHours(3));

        var moved = Accept(booking.Reschedule(Actor.Customer, booking.RescheduleDeadline, target));
        var refused = Refusal<BookingRescheduled, BookingRefusal.WindowClosed>(booking.Reschedule(Actor.Customer, booking.RescheduleDeadline + Minute, target));

        Assert.Equal(Start - Duration.FromHours(48), booking.RescheduleDeadline);
        Assert.Equal((target.Start, target.End), (moved.Booking.StartsAt, moved.Booking.EndsAt));
        Assert.Equal(Start.ToDateTimeOffset(), moved.Event.PreviousStartsAt);
        Assert.Equal(BookingStatus.Confirmed, moved.Booking.Status);
        Assert.Equal(booking.RescheduleDeadline, refused.Deadline);
        Assert.NotNull(booking.RescheduleRefusal(Actor.Customer, Start));
        Assert.Null(booking.RescheduleRefusal(Actor.Business, Start));
        Assert.Equal(target.Start, Accept(booking.Reschedule(Actor.Business, Start, target)).Booking.StartsAt);
    }

    [Theory]
    [InlineData(BookingStatus.Held)]
    [InlineData(BookingStatus.Cancelled)]
    [InlineData(BookingStatus.Expired)]
    [InlineData(BookingStatus.Completed)]
    public void Only_a_confirmed_booking_moves(string status)
    {
        var booking = status == BookingStatus.Held ? Held() : Finished(status);

        Assert.Equal(status, Refusal<BookingRescheduled, BookingRefusal.WrongState>(booking.Reschedule(Actor.Business, Now, SlotAt(Start))).Status);
    }

    [Fact]
    public void A_hold_expires_once_its_time_has_run_out()
    {
        var held = Held();

        Refusal<BookingExpired, BookingRefusal.NotDue>(held.Expire(held.ExpiresAt!.Value - Duration.FromTicks(10)));
        var expired = Accept(held.Expire(held.ExpiresAt!.Value));
        Assert.Equal(BookingStatus.Expired, expired.Booking.Status);
        Assert.Null(expired.Booking.ExpiresAt);
        Assert.Equal(BookingStatus.Expired, expired.Event.Booking.Status);
        Assert.Equal(BookingStatus.Confirmed, Refusal<BookingExpired, BookingRefusal.WrongState>(Confirmed().Expire(Start)).Status);
    }

    [Fact]
    public void A_confirmed_booking_completes_once_it_has_ended()
    {
        var booking = Confirmed();
        var end = booking.EndsAt;

        Refusal<BookingCompleted, BookingRefusal.NotDue>(booking.Complete(end - Duration.FromTicks(10)));
        Assert.Equal(BookingStatus.Completed, Accept(booking.Complete(end)).Booking.Status);
        Assert.Equal(BookingStatus.Held, Refusal<BookingCompleted, BookingRefusal.WrongState>(Held().Complete(end)).Status);
    }

    [Fact]
    public void Deadlines_tell_a_customer_what_is_still_open()
    {
        var held = Held();
        var confirmed = Confirmed(Policy(cancelHours: 24, rescheduleHours: 48));

        Assert.Equal(new BookingDeadlines(held.ExpiresAt, null, 0), held.DeadlinesFor(Now));
        Assert.Equal(new BookingDeadlines(Start - Duration.FromHours(24), Start - Duration.FromHours(48), 5000), confirmed.DeadlinesFor(Now));
        Assert.Null(confirmed.DeadlinesFor(Start).RefundIfCancelledMinor);
        Assert.Equal(new BookingDeadlines(null, null, null), Finished(BookingStatus.Expired).DeadlinesFor(Now));
    }

    [Fact]
    public void A_booking_without_a_snapshot_takes_the_current_policy_and_one_with_keeps_its_own()
    {
        var old = new Booking { Status = BookingStatus.Confirmed, Currency = "GBP", StartsAt = Start, EndsAt = Start + Duration.FromHours(1) };
        var snapshotted = Confirmed(Policy(cancelHours: 24));

        Assert.Throws<InvalidOperationException>(() => old.CancellationDeadline);
        Assert.Equal(Start - Duration.FromHours(72), old.WithPolicyOr(Policy(cancelHours: 72)).CancellationDeadline);
        Assert.Same(snapshotted, snapshotted.WithPolicyOr(Policy(cancelHours: 72)));
    }

    private static Booking Finished(string status) => status switch
    {
        BookingStatus.Cancelled => Accept(Confirmed().Cancel(Actor.Business, Now, null)).Booking,
        BookingStatus.Expired => Accept(Held().Expire(Start)).Booking,
        BookingStatus.Completed => Accept(Confirmed().Complete(Start + Duration.FromDays(1))).Booking,
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
