using System.Text;
using BookingAws.Shared.Calendar;
using NodaTime;
using IcalCalendar = Ical.Net.Calendar;

namespace BookingAws.Workers.Tests.Email;

/// <summary>Calendar files as a calendar reads them: parsed back with Ical.Net, a real RFC 5545 library.</summary>
public class IcsCalendarTests
{
    private static readonly DateTimeZone London = DateTimeZoneProviders.Tzdb["Europe/London"];
    private static readonly IcsOrganizer Organizer = new("Kayak & Co", "bookings@example.test");

    [Fact]
    public void An_invitation_on_the_day_clocks_go_forward_keeps_its_wall_time_and_its_instant()
    {
        var id = Guid.NewGuid();

        // Sunday 28 March 2027: London moves from GMT to BST at 01:00 UTC; 10:30 local is 09:30 UTC.
        var start = Instant.FromUtc(2027, 3, 28, 9, 30);
        var ics = IcsCalendar.Create(IcsMethod.Request, London, Organizer, Instant.FromUtc(2027, 3, 1, 9, 0), [
            new IcsEvent(id, 0, start, start + Duration.FromMinutes(90), "Sunset paddle, 2 seats; bring a towel", "Kayak & Co",
                AttendeeEmail: "ada@example.test", AttendeeName: "Ada \"The\" Lovelace"),
        ]);

        var calendar = IcalCalendar.Load(ics)!;
        Assert.Equal("REQUEST", calendar.Method);
        var evt = Assert.Single(calendar.Events);
        Assert.Equal($"{id:D}@bookingaws", evt.Uid);
        Assert.Equal(0, evt.Sequence);
        Assert.Equal("Europe/London", evt.DtStart!.TzId);
        Assert.Equal(new DateTime(2027, 3, 28, 10, 30, 0), evt.DtStart.Value);
        Assert.Equal(new DateTime(2027, 3, 28, 9, 30, 0, DateTimeKind.Utc), evt.DtStart.AsUtc);
        Assert.Equal(new DateTime(2027, 3, 28, 11, 0, 0, DateTimeKind.Utc), evt.DtEnd!.AsUtc);
        Assert.Equal("Sunset paddle, 2 seats; bring a towel", evt.Summary);
        Assert.Equal("CONFIRMED", evt.Status);
        Assert.Equal("mailto:bookings@example.test", evt.Organizer!.Value!.ToString());
        Assert.Equal("mailto:ada@example.test", Assert.Single(evt.Attendees).Value!.ToString());

        // The file's own VTIMEZONE says the same, for calendars that do not know the zone by name.
        var zone = Assert.Single(calendar.TimeZones);
        Assert.Equal("Europe/London", zone.TzId);
        var spring = Assert.Single(zone.TimeZoneInfos, i => i.DtStart!.Value == new DateTime(2027, 3, 28, 1, 0, 0));
        Assert.Equal("DAYLIGHT", spring.Name);
        Assert.Equal(TimeSpan.Zero, spring.OffsetFrom!.Offset);
        Assert.Equal(TimeSpan.FromHours(1), spring.OffsetTo!.Offset);
        var autumn = Assert.Single(zone.TimeZoneInfos, i => i.DtStart!.Value == new DateTime(2026, 10, 25, 2, 0, 0));
        Assert.Equal(("STANDARD", TimeSpan.FromHours(1), TimeSpan.Zero), (autumn.Name, autumn.OffsetFrom!.Offset, autumn.OffsetTo!.Offset));
    }

    [Fact]
    public void A_move_and_a_cancellation_name_the_same_event_with_a_higher_sequence_each_time()
    {
        var id = Guid.NewGuid();

        // Booked on the Saturday (GMT), moved to the Sunday after the change (BST), then cancelled.
        var saturday = Instant.FromUtc(2027, 3, 27, 10, 0);
        var sunday = Instant.FromUtc(2027, 3, 28, 9, 0);
        string Make(IcsMethod method, int sequence, Instant start) => IcsCalendar.Create(method, London, Organizer, start - Duration.FromDays(1), [
            new IcsEvent(id, sequence, start, start + Duration.FromHours(1), "Paddle", "Harbour", AttendeeEmail: "ada@example.test"),
        ]);

        var files = new[] { Make(IcsMethod.Request, 0, saturday), Make(IcsMethod.Request, 1, sunday), Make(IcsMethod.Cancel, 2, sunday) }
            .Select(f => IcalCalendar.Load(f)!).ToList();

        Assert.Equal(["REQUEST", "REQUEST", "CANCEL"], files.Select(c => c.Method));
        var events = files.Select(c => Assert.Single(c.Events)).ToList();
        Assert.All(events, e => Assert.Equal($"{id:D}@bookingaws", e.Uid));
        Assert.Equal([0, 1, 2], events.Select(e => e.Sequence));
        Assert.Equal(new DateTime(2027, 3, 27, 10, 0, 0), events[0].DtStart!.Value);
        Assert.Equal(new DateTime(2027, 3, 28, 10, 0, 0), events[1].DtStart!.Value);
        Assert.Equal(new DateTime(2027, 3, 28, 9, 0, 0, DateTimeKind.Utc), events[1].DtStart!.AsUtc);
        Assert.Equal("CANCELLED", events[2].Status);
    }

    [Fact]
    public void A_feed_publishes_without_organizer_and_a_zone_without_changes_gets_one_fixed_offset()
    {
        var start = Instant.FromUtc(2027, 6, 1, 12, 0);
        var ics = IcsCalendar.Create(IcsMethod.Publish, DateTimeZoneProviders.Tzdb["Asia/Tokyo"], Organizer, start, [
            new IcsEvent(Guid.NewGuid(), 3, start, start + Duration.FromHours(1), "Paddle: Ada (1 × seat)", "Harbour"),
            new IcsEvent(Guid.NewGuid(), 0, start + Duration.FromDays(1), start + Duration.FromDays(1) + Duration.FromHours(1), "Paddle: Bo (2 × seat)", "Harbour"),
        ]);

        var calendar = IcalCalendar.Load(ics)!;
        Assert.Equal("PUBLISH", calendar.Method);
        Assert.Equal(2, calendar.Events.Count);
        Assert.All(calendar.Events, e => Assert.Null(e.Organizer));
        Assert.Equal(new DateTime(2027, 6, 1, 21, 0, 0), calendar.Events.First().DtStart!.Value);
        var only = Assert.Single(Assert.Single(calendar.TimeZones).TimeZoneInfos);
        Assert.Equal((TimeSpan.FromHours(9), TimeSpan.FromHours(9)), (only.OffsetFrom!.Offset, only.OffsetTo!.Offset));
    }

    [Fact]
    public void Lines_are_crlf_and_folded_at_75_octets_without_splitting_characters()
    {
        var start = Instant.FromUtc(2027, 1, 1, 12, 0);
        var ics = IcsCalendar.Create(IcsMethod.Request, London, Organizer, start, [
            new IcsEvent(Guid.NewGuid(), 0, start, start + Duration.FromHours(1), new string('é', 100), "Zürich"),
        ]);

        Assert.DoesNotContain("\n", ics.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.All(ics.Split("\r\n"), physical => Assert.True(Encoding.UTF8.GetByteCount(physical) <= 75, physical));
        Assert.Equal(new string('é', 100), Assert.Single(IcalCalendar.Load(ics)!.Events).Summary);
    }
}
