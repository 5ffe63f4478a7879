using BookingAws.Shared.Domain.Tenants;
using BookingAws.Shared.Messaging;
using NodaTime;

namespace BookingAws.Shared.Domain.Bookings;

/// <summary>The booking's rules: every transition, deadline and refund decision, computed once here.</summary>
public sealed partial class Booking
{
    private PolicySnapshot Terms => policy ?? throw new InvalidOperationException($"Booking {Id} was loaded without its policy snapshot.");

    /// <summary>Until when (inclusive) a customer may cancel a confirmed booking: start − the cancellation window.</summary>
    public Instant CancellationDeadline => StartsAt - Duration.FromHours(Terms.CancellationWindowHours);

    /// <summary>Until when (inclusive) a customer may move a confirmed booking: start − the reschedule window.</summary>
    public Instant RescheduleDeadline => StartsAt - Duration.FromHours(Terms.RescheduleWindowHours);

    /// <summary>Start − buffer before to end + buffer after, under the booking's own policy.</summary>
    public OccupiedWindow Occupied => Terms.Occupied(StartsAt, EndsAt);

    /// <summary>
    /// A new booking on an offered slot (the caller has checked the slot and the capacity). A paid package
    /// is held for the policy's hold minutes; a free one is confirmed at once. A guest's booking
    /// (<paramref name="guestMustProveEmail"/>) is held for the hold minutes whatever its price, until the guest
    /// proves the address (<see cref="ProveEmail"/>). The policy is snapshotted.
    /// </summary>
    public static NewBooking Hold(
        Guid id,
        Guid tenantId,
        Guid packageId,
        Guid customerId,
        int seats,
        Slot slot,
        long unitPriceMinor,
        string currency,
        BookingPolicy policy,
        Instant now,
        bool guestMustProveEmail = false)
    {
        var confirmNow = unitPriceMinor == 0 && !guestMustProveEmail;
        var booking = new Booking
        {
            Id = id,
            TenantId = tenantId,
            PackageId = packageId,
            CustomerId = customerId,
            Status = confirmNow ? BookingStatus.Confirmed : BookingStatus.Held,
            Seats = seats,
            StartsAt = slot.Start,
            EndsAt = slot.End,
            ExpiresAt = confirmNow ? null : now + Duration.FromMinutes(policy.HoldMinutes),
            AmountMinor = unitPriceMinor * seats,
            Currency = currency,
            CreatedAt = now,
            UpdatedAt = now,
            ConfirmedAt = confirmNow ? now : null,
            Policy = PolicySnapshot.Of(policy),
            EmailProof = guestMustProveEmail ? EmailProofState.Pending : null,
        };
        return confirmNow
            ? new NewBooking(booking, null, new BookingConfirmed(booking.ToSnapshot(), now.ToDateTimeOffset(), null, null))
            : new NewBooking(booking, new BookingHeld(booking.ToSnapshot(), booking.ExpiresAt!.Value.ToDateTimeOffset(), guestMustProveEmail), null);
    }

    /// <summary>
    /// The guest gave the right code while the hold runs: the address is proven. A free booking is confirmed
    /// there and then (<see cref="EmailProofDecision.Accepted.Confirmed"/>); a paid one stays held, now payable.
    /// </summary>
    public EmailProofDecision ProveEmail(Instant now)
    {
        if (!AwaitsEmailProof)
        {
            return new EmailProofDecision.Refused(new BookingRefusal.NothingToProve());
        }

        if (Status != BookingStatus.Held || ExpiresAt <= now)
        {
            return new EmailProofDecision.Refused(new BookingRefusal.WrongState(Status == BookingStatus.Held ? BookingStatus.Expired : Status));
        }

        var proven = Next(Status, now);
        proven.emailProof = EmailProofState.Proven;
        return proven.AmountMinor == 0
            ? new EmailProofDecision.Accepted(proven, (BookingDecision<BookingConfirmed>.Accepted)proven.Confirmed(now, null, null))
            : new EmailProofDecision.Accepted(proven, null);
    }

    /// <summary>Whether confirming with this payment gives the booking a receipt number (paid online, not free).</summary>
    public bool EarnsReceipt(string? paymentIntentId) => paymentIntentId is not null && AmountMinor > 0;

    /// <summary>
    /// Held → confirmed while the hold runs (payment arrived, or the business took payment in person).
    /// A hold past its expiry is refused as expired even before the sweep has marked it.
    /// </summary>
    public BookingDecision<BookingConfirmed> Confirm(Instant now, string? paymentIntentId, int? receiptNumber)
    {
        if (Status != BookingStatus.Held || ExpiresAt <= now)
        {
            return Refuse<BookingConfirmed>(new BookingRefusal.WrongState(Status == BookingStatus.Held ? BookingStatus.Expired : Status));
        }

        if (AwaitsEmailProof)
        {
            return Refuse<BookingConfirmed>(new BookingRefusal.EmailNotProven());
        }

        return Confirmed(now, paymentIntentId ?? PaymentIntentId, receiptNumber);
    }

    /// <summary>
    /// A payment that arrived after the hold lapsed (swept or not) still confirms the booking while its
    /// slot is in the future; the caller must also find the capacity free again, under lock.
    /// </summary>
    public BookingDecision<BookingConfirmed> ConfirmLatePayment(Instant now, string paymentIntentId, int? receiptNumber)
    {
        if (Status is not (BookingStatus.Held or BookingStatus.Expired) || StartsAt <= now)
        {
            return Refuse<BookingConfirmed>(new BookingRefusal.WrongState(Status == BookingStatus.Held ? BookingStatus.Expired : Status));
        }

        if (AwaitsEmailProof)
        {
            return Refuse<BookingConfirmed>(new BookingRefusal.EmailNotProven());
        }

        return Confirmed(now, paymentIntentId, receiptNumber);
    }

    /// <summary>
    /// Held or confirmed → cancelled. A customer may cancel a confirmed booking only until
    /// <see cref="CancellationDeadline"/>; the business and the system at any time. The refund owed is
    /// <see cref="RefundFor"/> at this instant.
    /// </summary>
    public BookingDecision<BookingCancelled> Cancel(Actor actor, Instant now, string? reason)
    {
        if (Status is not (BookingStatus.Held or BookingStatus.Confirmed))
        {
            return Refuse<BookingCancelled>(new BookingRefusal.WrongState(Status));
        }

        if (actor == Actor.Customer && Status == BookingStatus.Confirmed && now > CancellationDeadline)
        {
            return Refuse<BookingCancelled>(new BookingRefusal.WindowClosed(CancellationDeadline));
        }

        var by = actor.ToString().ToLowerInvariant();
        var next = Next(BookingStatus.Cancelled, now);
        next.expiresAt = null;
        next.cancelledAt = now;
        next.cancelledBy = by;
        next.cancelReason = reason;
        return new BookingDecision<BookingCancelled>.Accepted(
            next, new BookingCancelled(next.ToSnapshot(), now.ToDateTimeOffset(), by, reason), RefundFor(actor, now));
    }

    /// <summary>The payment failed or was cancelled: the system releases a hold, and only a hold.</summary>
    public BookingDecision<BookingCancelled> ReleaseHold(Instant now, string reason) =>
        Status == BookingStatus.Held ? Cancel(Actor.System, now, reason) : Refuse<BookingCancelled>(new BookingRefusal.WrongState(Status));

    /// <summary>
    /// Moves a confirmed booking to <paramref name="slot"/> (offered, with capacity: the caller's checks).
    /// A customer may do so only until <see cref="RescheduleDeadline"/>; the business at any time. Attendance belongs
    /// to the time it was marked for: at the new time the customer is expected again.
    /// </summary>
    public BookingDecision<BookingRescheduled> Reschedule(Actor actor, Instant now, Slot slot)
    {
        if (RescheduleRefusal(actor, now) is { } refusal)
        {
            return Refuse<BookingRescheduled>(refusal);
        }

        var next = Next(Status, now);
        next.startsAt = slot.Start;
        next.endsAt = slot.End;
        next.attendance = BookingAttendance.Expected;
        next.attendanceMarkedAt = null;
        next.attendanceMarkedBy = null;
        return new BookingDecision<BookingRescheduled>.Accepted(
            next, new BookingRescheduled(next.ToSnapshot(), StartsAt.ToDateTimeOffset(), EndsAt.ToDateTimeOffset()));
    }

    /// <summary>Why <paramref name="actor"/> may not move this booking at all now (before any slot is looked at), or null.</summary>
    public BookingRefusal? RescheduleRefusal(Actor actor, Instant now)
    {
        if (Status != BookingStatus.Confirmed)
        {
            return new BookingRefusal.WrongState(Status);
        }

        return actor == Actor.Customer && now > RescheduleDeadline ? new BookingRefusal.WindowClosed(RescheduleDeadline) : null;
    }

    /// <summary>A hold whose time ran out → expired (the sweep).</summary>
    public BookingDecision<BookingExpired> Expire(Instant now)
    {
        if (Status != BookingStatus.Held)
        {
            return Refuse<BookingExpired>(new BookingRefusal.WrongState(Status));
        }

        if (ExpiresAt > now)
        {
            return Refuse<BookingExpired>(new BookingRefusal.NotDue());
        }

        var next = Next(BookingStatus.Expired, now);
        next.expiresAt = null;
        return new BookingDecision<BookingExpired>.Accepted(next, new BookingExpired(next.ToSnapshot(), now.ToDateTimeOffset()));
    }

    /// <summary>A confirmed booking whose end has passed → completed (the sweep).</summary>
    public BookingDecision<BookingCompleted> Complete(Instant now)
    {
        if (Status != BookingStatus.Confirmed)
        {
            return Refuse<BookingCompleted>(new BookingRefusal.WrongState(Status));
        }

        if (EndsAt > now)
        {
            return Refuse<BookingCompleted>(new BookingRefusal.NotDue());
        }

        var next = Next(BookingStatus.Completed, now);
        return new BookingDecision<BookingCompleted>.Accepted(next, new BookingCompleted(next.ToSnapshot()));
    }

    /// <summary>
    /// The refund owed when a confirmed booking is cancelled by <paramref name="actor"/> at
    /// <paramref name="at"/>, out of <see cref="AmountMinor"/>. The choice made here:
    /// <list type="bullet">
    /// <item>a customer gets everything up to and including <see cref="CancellationDeadline"/>; after it
    /// the late percentage under <see cref="RefundRule.PartialAfterWindow"/>, else nothing; never anything
    /// under <see cref="RefundRule.None"/> (the business's published terms, which the customer accepted);</item>
    /// <item>a cancellation by the business or the system refunds in full, whenever it happens: the
    /// customer did not choose to give the booking up, so no rule meant for customers takes their money.</item>
    /// </list>
    /// A hold owes nothing here (nothing was taken; a payment racing in is refunded whole by the payment flow).
    /// Depends only on the booking and the instant, so recomputing it later asks for the same amount.
    /// </summary>
    public long RefundFor(Actor actor, Instant at)
    {
        if (Status is not (BookingStatus.Confirmed or BookingStatus.Cancelled) || ConfirmedAt is null)
        {
            return 0;
        }

        if (actor != Actor.Customer)
        {
            return AmountMinor;
        }

        return Terms.RefundRule switch
        {
            RefundRule.None => 0,
            _ when at <= CancellationDeadline => AmountMinor,
            RefundRule.PartialAfterWindow => AmountMinor * Terms.LateRefundPercent / 100,
            _ => 0,
        };
    }

    /// <summary>The refund this cancelled, once-confirmed booking owes, by who cancelled it and when. 0 otherwise.</summary>
    public long RefundOwed() =>
        Status == BookingStatus.Cancelled && CancelledAt is { } at ? RefundFor(CancelledByActor, at) : 0;

    /// <summary>What a customer may still do at <paramref name="now"/>, for the API's views.</summary>
    public BookingDeadlines DeadlinesFor(Instant now) => Status switch
    {
        BookingStatus.Held => new BookingDeadlines(ExpiresAt, null, 0),
        BookingStatus.Confirmed => new BookingDeadlines(
            CancellationDeadline, RescheduleDeadline, now <= CancellationDeadline ? RefundFor(Actor.Customer, now) : null),
        _ => new BookingDeadlines(null, null, null),
    };

    /// <summary>This booking with <paramref name="current"/> as its policy if it has no snapshot (a row of the previous release).</summary>
    public Booking WithPolicyOr(BookingPolicy current)
    {
        if (policy is not null)
        {
            return this;
        }

        var copy = (Booking)MemberwiseClone();
        copy.policy = PolicySnapshot.Of(current);
        return copy;
    }

    /// <summary>The fields every booking event carries.</summary>
    public BookingSnapshot ToSnapshot() => new(
        Id, TenantId, PackageId, CustomerId, Status, Seats, StartsAt.ToDateTimeOffset(), EndsAt.ToDateTimeOffset(), AmountMinor, Currency);

    private Actor CancelledByActor => Enum.TryParse<Actor>(CancelledBy, ignoreCase: true, out var actor) ? actor : Actor.Customer;

    private BookingDecision<BookingConfirmed> Confirmed(Instant now, string? paymentIntentId, int? receiptNumber)
    {
        var next = Next(BookingStatus.Confirmed, now);
        next.expiresAt = null;
        next.confirmedAt = now;
        next.paymentIntentId = paymentIntentId;
        next.receiptNumber = receiptNumber;
        return new BookingDecision<BookingConfirmed>.Accepted(
            next, new BookingConfirmed(next.ToSnapshot(), now.ToDateTimeOffset(), next.PaymentIntentId, next.ReceiptNumber));
    }

    private Booking Next(string newStatus, Instant now)
    {
        var next = (Booking)MemberwiseClone();
        next.status = newStatus;
        next.updatedAt = now;
        return next;
    }

    private static BookingDecision<TEvent>.Refused Refuse<TEvent>(BookingRefusal refusal)
        where TEvent : IBookingEvent => new(refusal);
}
