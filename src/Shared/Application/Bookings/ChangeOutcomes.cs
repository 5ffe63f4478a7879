using BookingAws.Shared.Domain.Bookings;

namespace BookingAws.Shared.Application.Bookings;

internal static class ChangeOutcomes
{
    /// <summary>The answer a refusal of the model gives the caller.</summary>
    public static ChangeOutcome From(BookingRefusal refusal) => refusal switch
    {
        BookingRefusal.WrongState wrong => new ChangeOutcome.WrongState(wrong.Status),
        BookingRefusal.WindowClosed closed => new ChangeOutcome.WindowClosed(closed.Deadline),
        BookingRefusal.EmailNotProven => new ChangeOutcome.EmailNotProven(),
        _ => throw new InvalidOperationException($"A booking change cannot be refused as {refusal}."),
    };
}
