using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Waitlists;

namespace BookingAws.Shared.Tests.Waitlists;

public sealed class WaitlistProgressTests
{
    [Theory]
    [InlineData(WaitlistStatus.Waiting, null, "waiting")]
    [InlineData(WaitlistStatus.Left, null, "left")]
    [InlineData(WaitlistStatus.Closed, null, "closed")]
    [InlineData(WaitlistStatus.Offered, BookingStatus.Held, "offered")]
    [InlineData(WaitlistStatus.Offered, BookingStatus.Confirmed, "accepted")]
    [InlineData(WaitlistStatus.Offered, BookingStatus.Completed, "accepted")]
    [InlineData(WaitlistStatus.Offered, BookingStatus.Expired, "expired")]
    [InlineData(WaitlistStatus.Offered, BookingStatus.Cancelled, "cancelled")]
    public void An_offer_reads_as_what_became_of_its_held_booking(string entry, string? offer, string expected) =>
        Assert.Equal(expected, WaitlistProgress.Of(entry, offer));
}
