using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Bookings;

namespace BookingAws.Shared.Application.Bookings;

/// <summary>What a guest's one-time code came to.</summary>
public abstract record EmailProofOutcome
{
    private EmailProofOutcome()
    {
    }

    /// <summary>The address is proven (now or by an earlier request): the booking as it is now.</summary>
    public sealed record Proven(Booking Booking) : EmailProofOutcome;

    public sealed record NotFound : EmailProofOutcome;

    /// <summary>Not the code; <paramref name="TriesLeft"/> more may be tried before the hold is released.</summary>
    public sealed record WrongCode(int TriesLeft) : EmailProofOutcome;

    /// <summary>Too many wrong codes: the hold has been released and its seats given back.</summary>
    public sealed record TooManyWrongCodes : EmailProofOutcome;

    /// <summary>The booking is no longer a hold waiting for the code (it lapsed or was cancelled).</summary>
    public sealed record WrongState(string Status) : EmailProofOutcome;
}

/// <summary>
/// A guest enters the code emailed to the address they gave. The right code proves the address: a free
/// booking is confirmed there and then, a paid one becomes payable. Wrong codes are counted; after
/// <see cref="EmailProofState.MaxFailures"/> the hold is released, so guessing costs the guesser the seats.
/// </summary>
public sealed class ProveGuestEmail(EmailProofStore proofs, BookingChanges changes, CancelBooking cancel, BookingLinks links)
{
    public const string TooManyWrongCodesReason = "The email address was not proven: too many wrong codes.";

    public async Task<EmailProofOutcome> RunAsync(Guid bookingId, string? code, CancellationToken ct)
    {
        if (await proofs.FindAsync(bookingId, ct) is not { } target)
        {
            return new EmailProofOutcome.NotFound();
        }

        if (target.Failures >= EmailProofState.MaxFailures)
        {
            return new EmailProofOutcome.TooManyWrongCodes();
        }

        if (!links.IsEmailProofCode(bookingId, target.Email, code))
        {
            if (target.EmailProof != EmailProofState.Pending)
            {
                // Nothing is waiting for a code: a wrong one changes nothing and says nothing more than "wrong".
                return new EmailProofOutcome.WrongCode(0);
            }

            var failures = await proofs.CountFailureAsync(target.TenantId, bookingId, changes.Now(), ct);
            if (failures < EmailProofState.MaxFailures)
            {
                return new EmailProofOutcome.WrongCode(EmailProofState.MaxFailures - failures);
            }

            await cancel.ReleaseHoldAsync(target.TenantId, bookingId, TooManyWrongCodesReason, ct);
            return new EmailProofOutcome.TooManyWrongCodes();
        }

        await using var change = await changes.BeginAsync(target.TenantId, bookingId, ct);
        if (change is null)
        {
            return new EmailProofOutcome.NotFound();
        }

        // Locked like a confirmation's: a hold that lapsed while this waited cannot be confirmed over capacity someone else took.
        await change.LockOwnItemsAsync(ct);
        var now = changes.Now();
        switch (change.Booking.ProveEmail(now))
        {
            case EmailProofDecision.Accepted { Confirmed: { } confirmed }:
                change.Save(confirmed, now);
                change.KeepAllocations();
                await change.CommitAsync(ct);
                return new EmailProofOutcome.Proven(confirmed.Booking);
            case EmailProofDecision.Accepted accepted:
                change.SaveState(accepted.Booking);
                await change.CommitAsync(ct);
                return new EmailProofOutcome.Proven(accepted.Booking);
            case EmailProofDecision.Refused { Refusal: BookingRefusal.NothingToProve }:
                // A retry of a code that was accepted (or a booking that never needed one): answer with the booking.
                return new EmailProofOutcome.Proven(change.Booking);
            case EmailProofDecision.Refused { Refusal: BookingRefusal.WrongState wrong }:
                return new EmailProofOutcome.WrongState(wrong.Status);
            default:
                throw new InvalidOperationException("Unknown decision.");
        }
    }
}
