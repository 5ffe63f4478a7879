using NodaTime;

namespace BookingAws.Shared.Domain.Bookings;

/// <summary>Who is booking: a signed-in customer of the business, or a guest who gives name and email.</summary>
public sealed record BookingCustomer(Guid? CustomerId, string? Name, string? Email);

/// <summary>
/// A hold request. <paramref name="LinkPersonId"/>: the signed-in person whose verified email is the
/// customer's, linked to that customer in the hold's transaction.
/// </summary>
public sealed record HoldCommand(
    string TenantSlug,
    Guid PackageId,
    Instant StartsAt,
    int Seats,
    BookingCustomer Customer,
    string IdempotencyKey,
    string RequestHash,
    Guid? LinkPersonId = null)
{
    /// <summary>
    /// A guest (not a signed-in person booking under their own proven email) must prove the address before the
    /// booking is confirmed or paid, so an address cannot be booked, or emailed about bookings, by whoever types it.
    /// </summary>
    public bool GuestMustProveEmail => Customer.CustomerId is null && LinkPersonId is null;
}

/// <summary>What a hold came to. The API maps each case to one HTTP answer.</summary>
public abstract record HoldOutcome
{
    private HoldOutcome()
    {
    }

    public sealed record Created(Booking Booking, string ResponseBody) : HoldOutcome;

    /// <summary>The same key and body were seen before: the stored answer, byte for byte.</summary>
    public sealed record Replayed(int StatusCode, string ResponseBody) : HoldOutcome;

    public sealed record KeyReusedWithDifferentRequest : HoldOutcome;

    public sealed record TenantNotFound : HoldOutcome;

    public sealed record PackageNotFound : HoldOutcome;

    public sealed record CustomerNotFound : HoldOutcome;

    public sealed record SeatsOutOfRange(int MaxSeats) : HoldOutcome;

    public sealed record SlotNotOffered : HoldOutcome;

    public sealed record NoCapacity : HoldOutcome;

    /// <summary>Others are on the slot's waiting list: its free seats are offered to them first.</summary>
    public sealed record WaitlistAhead : HoldOutcome;

    /// <summary>The customer's email already has <paramref name="Max"/> holds waiting for payment at this business.</summary>
    public sealed record TooManyActiveHolds(int Max) : HoldOutcome;
}

/// <summary>
/// How many unpaid, unexpired holds one email may have at a business at once (0: no cap). The host supplies
/// it from its abuse limits; without one registered, holds are not capped.
/// </summary>
public interface IActiveHoldCap
{
    int For(string tenantSlug);
}

/// <summary>Who asks for a change: the booking's customer (bound by policy windows) or the business.</summary>
public enum Actor
{
    Customer,
    Business,
    System,
}

public abstract record ChangeOutcome
{
    private ChangeOutcome()
    {
    }

    public sealed record Done(Booking Booking) : ChangeOutcome;

    public sealed record NotFound : ChangeOutcome;

    /// <summary>The booking's state does not allow it (e.g. cancelling an expired hold).</summary>
    public sealed record WrongState(string Status) : ChangeOutcome;

    /// <summary>The business's policy window for customers has passed.</summary>
    public sealed record WindowClosed(Instant Deadline) : ChangeOutcome;

    public sealed record SlotNotOffered : ChangeOutcome;

    public sealed record NoCapacity : ChangeOutcome;

    /// <summary>A guest's booking whose address is not proven yet cannot be confirmed or paid.</summary>
    public sealed record EmailNotProven : ChangeOutcome;
}
