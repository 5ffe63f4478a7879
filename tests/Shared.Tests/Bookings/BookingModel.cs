using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;
using NodaTime;

namespace BookingAws.Shared.Tests.Bookings;

/// <summary>Bookings in a known state for the model's tests: a 60-minute slot two days after <see cref="Now"/>.</summary>
internal static class BookingModel
{
    public static readonly Instant Now = Instant.FromUtc(2030, 3, 1, 12, 0);
    public static readonly Instant Start = Now + Duration.FromDays(2);

    public static BookingPolicy Policy(
        int cancelHours = 24, int rescheduleHours = 48, RefundRule rule = RefundRule.FullBeforeWindow, int latePercent = 0, int before = 0, int after = 0) => new()
        {
            CancellationWindowHours = cancelHours,
            RescheduleWindowHours = rescheduleHours,
            RefundRule = rule,
            LateRefundPercent = latePercent,
            BufferBeforeMinutes = before,
            BufferAfterMinutes = after,
            HoldMinutes = 10,
        };

    public static Slot SlotAt(Instant start) => new(start.InUtc().LocalDateTime, Offset.Zero, start, start + Duration.FromMinutes(60));

    public static NewBooking New(BookingPolicy? policy = null, long unitPrice = 2500, int seats = 2, Instant? start = null, bool guest = false) =>
        Booking.Hold(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), seats, SlotAt(start ?? Start), unitPrice, "GBP", policy ?? Policy(), Now, guest);

    public static Booking Held(BookingPolicy? policy = null) => New(policy).Booking;

    public static Booking Confirmed(BookingPolicy? policy = null, long unitPrice = 2500, Instant? start = null) =>
        Accept(New(policy, unitPrice, start: start).Booking.Confirm(Now, "pi_1", 7)).Booking;

    public static BookingDecision<T>.Accepted Accept<T>(BookingDecision<T> decision)
        where T : Messaging.IBookingEvent => Assert.IsType<BookingDecision<T>.Accepted>(decision);

    public static TRefusal Refusal<T, TRefusal>(BookingDecision<T> decision)
        where T : Messaging.IBookingEvent
        where TRefusal : BookingRefusal => Assert.IsType<TRefusal>(Assert.IsType<BookingDecision<T>.Refused>(decision).Refusal);
}
