using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Messaging;

namespace BookingAws.Shared.Application.Bookings;

/// <summary>Held → confirmed: in person by the business, or because a payment arrived.</summary>
public sealed class ConfirmBooking(BookingChanges changes)
{
    /// <summary>
    /// Confirms a running hold. The booking's inventory rows are locked like a hold's before the expiry
    /// is judged, so a hold that lapsed while this waited cannot be revived over capacity someone else has
    /// just taken.
    /// </summary>
    public Task<ChangeOutcome> RunAsync(Guid tenantId, Guid bookingId, string? paymentIntentId, CancellationToken ct) =>
        ConfirmAsync(tenantId, bookingId, paymentIntentId, null, ct);

    /// <summary>
    /// A payment succeeded: confirms the hold. A hold whose time ran out (swept or not) is confirmed only
    /// if its slot is still in the future and its capacity is still free, checked under the same locks
    /// as a new hold, so a late payment never takes someone else's place. Anything else is WrongState
    /// or NoCapacity and the caller refunds. A confirmation publishes <see cref="PaymentSucceeded"/> in its
    /// transaction; a payment refunded instead publishes none.
    /// </summary>
    public async Task<ChangeOutcome> PaidAsync(Guid tenantId, Guid bookingId, string paymentIntentId, long amountMinor, string currency, CancellationToken ct)
    {
        var onTime = await ConfirmAsync(tenantId, bookingId, paymentIntentId, (amountMinor, currency), ct);
        if (onTime is not ChangeOutcome.WrongState { Status: BookingStatus.Expired })
        {
            return onTime;
        }

        await using var change = await changes.BeginAsync(tenantId, bookingId, ct);
        if (change is null)
        {
            return new ChangeOutcome.NotFound();
        }

        var now = changes.Now();
        var booking = change.Booking;
        if (booking.ConfirmLatePayment(now, paymentIntentId, null) is BookingDecision<BookingConfirmed>.Refused refused)
        {
            return ChangeOutcomes.From(refused.Refusal);
        }

        var tenant = await change.TenantAsync(ct);
        var catalog = await change.CatalogAsync(tenant, booking.StartsAt, ct);
        var window = booking.Occupied;
        if (await change.TakeCapacityAsync(catalog, window, now, ct) is not { } uses)
        {
            return new ChangeOutcome.NoCapacity();
        }

        var receipt = await change.NextReceiptNumberAsync(ct);
        var accepted = (BookingDecision<BookingConfirmed>.Accepted)booking.ConfirmLatePayment(now, paymentIntentId, receipt);
        change.Save(accepted, now);
        change.Publish(new PaymentSucceeded(tenantId, bookingId, paymentIntentId, amountMinor, currency, now.ToDateTimeOffset()), now);
        change.ReplaceAllocations(accepted.Booking, uses, window);
        await change.CommitAsync(ct);
        return new ChangeOutcome.Done(accepted.Booking);
    }

    private async Task<ChangeOutcome> ConfirmAsync(
        Guid tenantId, Guid bookingId, string? paymentIntentId, (long AmountMinor, string Currency)? paid, CancellationToken ct)
    {
        await using var change = await changes.BeginAsync(tenantId, bookingId, ct);
        if (change is null)
        {
            return new ChangeOutcome.NotFound();
        }

        await change.LockOwnItemsAsync(ct);
        var now = changes.Now();
        var booking = change.Booking;
        if (booking.Confirm(now, paymentIntentId, null) is BookingDecision<BookingConfirmed>.Refused refused)
        {
            return ChangeOutcomes.From(refused.Refusal);
        }

        int? receipt = booking.EarnsReceipt(paymentIntentId) ? await change.NextReceiptNumberAsync(ct) : null;
        var accepted = (BookingDecision<BookingConfirmed>.Accepted)booking.Confirm(now, paymentIntentId, receipt);
        change.Save(accepted, now);
        if (paid is { } payment)
        {
            change.Publish(new PaymentSucceeded(tenantId, bookingId, paymentIntentId!, payment.AmountMinor, payment.Currency, now.ToDateTimeOffset()), now);
        }

        change.KeepAllocations();
        await change.CommitAsync(ct);
        return new ChangeOutcome.Done(accepted.Booking);
    }
}
