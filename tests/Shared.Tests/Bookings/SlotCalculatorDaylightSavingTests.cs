using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;
using CsCheck;
using NodaTime;

namespace BookingAws.Shared.Tests.Bookings;

/// <summary>
/// Daylight-saving days in four zones, with a fixed "now" (the fake clock) well before them. Hours are
/// 00:00–04:00 so each transition falls inside opening time; slots are 30 minutes long every 30 minutes.
/// </summary>
public sealed class SlotCalculatorDaylightSavingTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 1, 0, 0);
    private static readonly BookingPolicy Policy = new() { LeadTimeMinutes = 0, HorizonDays = 730, SlotStepMinutes = 30 };

    private static List<Slot> SlotsOn(string zoneId, LocalDate date, int durationMinutes = 30, int closeHour = 4)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        OpeningInterval[] hours = [new(date.DayOfWeek, new LocalTime(0, 0), new LocalTime(closeHour, 0))];
        return SlotCalculator.Slots(zone, Policy, Duration.FromMinutes(durationMinutes), hours, [], date, date, Now).ToList();
    }

    private static string[] LocalTimes(List<Slot> slots) => slots.Select(s => s.LocalStart.TimeOfDay.ToString("HH:mm", null)).ToArray();

    [Theory]
    [InlineData("Europe/London", 2027, 3, 28, new[] { "00:00", "00:30", "02:00", "02:30", "03:00", "03:30" })]
    [InlineData("America/New_York", 2027, 3, 14, new[] { "00:00", "00:30", "01:00", "01:30", "03:00", "03:30" })]
    [InlineData("Australia/Lord_Howe", 2026, 10, 4, new[] { "00:00", "00:30", "01:00", "01:30", "02:30", "03:00", "03:30" })]
    public void Spring_forward_offers_no_slot_in_the_skipped_time(string zone, int y, int m, int d, string[] expected)
    {
        var slots = SlotsOn(zone, new LocalDate(y, m, d));

        Assert.Equal(expected, LocalTimes(slots));
        AssertRealAndDistinct(zone, slots);
    }

    [Theory]
    [InlineData("Europe/London", 2027, 10, 31, new[] { "00:00", "00:30", "01:00", "01:30", "01:00", "01:30", "02:00", "02:30", "03:00", "03:30" })]
    [InlineData("America/New_York", 2027, 11, 7, new[] { "00:00", "00:30", "01:00", "01:30", "01:00", "01:30", "02:00", "02:30", "03:00", "03:30" })]
    [InlineData("Australia/Lord_Howe", 2027, 4, 4, new[] { "00:00", "00:30", "01:00", "01:30", "01:30", "02:00", "02:30", "03:00", "03:30" })]
    public void Fall_back_offers_the_repeated_time_once_per_real_instant(string zone, int y, int m, int d, string[] expected)
    {
        var slots = SlotsOn(zone, new LocalDate(y, m, d));

        Assert.Equal(expected, LocalTimes(slots));
        AssertRealAndDistinct(zone, slots);
        var repeated = slots.GroupBy(s => s.LocalStart).Where(g => g.Count() == 2).ToList();
        Assert.NotEmpty(repeated);
        Assert.All(repeated, g => Assert.NotEqual(g.First().Offset, g.Last().Offset));
    }

    [Fact]
    public void Kolkata_has_no_transitions_and_the_same_slots_every_day()
    {
        var days = Enumerable.Range(0, 365).Select(i => new LocalDate(2027, 1, 1).PlusDays(i));

        Assert.All(days, day => Assert.Equal(8, SlotsOn("Asia/Kolkata", day).Count));
    }

    [Fact]
    public void Durations_are_elapsed_time_across_a_transition()
    {
        // 00:30 + 60 minutes on London's spring-forward day ends at 02:30 on the local clock.
        var slot = SlotsOn("Europe/London", new LocalDate(2027, 3, 28), durationMinutes: 60).First(s => s.LocalStart.Minute == 30);

        Assert.Equal(Duration.FromMinutes(60), slot.End - slot.Start);
        Assert.Equal(new LocalTime(2, 30), slot.End.InZone(DateTimeZoneProviders.Tzdb["Europe/London"]).TimeOfDay);
    }

    [Fact]
    public void Closures_lead_time_and_horizon_remove_slots()
    {
        var zone = DateTimeZoneProviders.Tzdb["Europe/London"];
        var day = new LocalDate(2026, 6, 2);
        OpeningInterval[] hours = [new(day.DayOfWeek, new LocalTime(9, 0), new LocalTime(12, 0))];
        var now = day.At(new LocalTime(8, 0)).InZoneStrictly(zone).ToInstant();
        var policy = Policy with { LeadTimeMinutes = 120, HorizonDays = 1 };

        var slots = SlotCalculator.Slots(zone, policy, Duration.FromMinutes(60), hours, [], day, day.PlusDays(7), now).ToList();
        var closed = SlotCalculator.Slots(zone, policy, Duration.FromMinutes(60), hours, [new ClosedRange(day, day)], day, day, now).ToList();

        Assert.Equal(["10:00", "10:30", "11:00"], LocalTimes(slots));
        Assert.Empty(closed);
    }

    /// <summary>Any zone, any date, any hours: every slot is a real instant whose local time is its label,
    /// no instant is offered twice, none ends after closing, and every aligned real instant is offered.</summary>
    [Fact]
    public void Property_every_aligned_real_instant_in_opening_hours_is_offered_exactly_once()
    {
        string[] zones = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"];
        var gen =
            from zone in Gen.OneOf(zones)
            from dayOffset in Gen.Int[0, 3 * 365]
            from opens in Gen.Int[0, 20]
            from length in Gen.Int[1, 4]
            from duration in Gen.OneOf(15, 30, 60, 90)
            select (zone, date: new LocalDate(2026, 1, 1).PlusDays(dayOffset), opens, closes: Math.Min(23, opens + length), duration);

        gen.Sample(c =>
        {
            var zone = DateTimeZoneProviders.Tzdb[c.zone];
            OpeningInterval[] hours = [new(c.date.DayOfWeek, new LocalTime(c.opens, 0), new LocalTime(c.closes, 0))];
            var policy = Policy with { HorizonDays = 3650 };
            var slots = SlotCalculator.Slots(zone, policy, Duration.FromMinutes(c.duration), hours, [], c.date, c.date, Instant.FromUtc(2025, 1, 1, 0, 0)).ToList();

            var expected = new List<Instant>();
            var dayStart = c.date.AtStartOfDayInZone(zone).ToInstant();
            for (var t = dayStart; t < dayStart + Duration.FromHours(26); t += Duration.FromMinutes(15))
            {
                var local = t.InZone(zone).LocalDateTime;
                var end = (t + Duration.FromMinutes(c.duration)).InZone(zone).LocalDateTime;
                if (local.Date == c.date && local.Minute % 30 == 0 && local.TimeOfDay >= new LocalTime(c.opens, 0) && end <= c.date + new LocalTime(c.closes, 0))
                {
                    expected.Add(t);
                }
            }

            return slots.Select(s => s.Start).SequenceEqual(expected.OrderBy(t => t))
                && slots.All(s => s.Start.InZone(zone).LocalDateTime == s.LocalStart);
        }, iter: 2000);
    }

    private static void AssertRealAndDistinct(string zoneId, List<Slot> slots)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        Assert.Equal(slots.Count, slots.Select(s => s.Start).Distinct().Count());
        Assert.All(slots, s => Assert.Equal(s.LocalStart, s.Start.InZone(zone).LocalDateTime));
        Assert.Equal(slots.OrderBy(s => s.Start).Select(s => s.Start), slots.Select(s => s.Start));
    }
}
