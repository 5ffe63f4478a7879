using BookingAws.Shared.Domain.Tenants;
using NodaTime;

namespace BookingAws.Shared.Domain.Bookings;

public sealed record OpeningInterval(IsoDayOfWeek Day, LocalTime Opens, LocalTime Closes);

public sealed record ClosedRange(LocalDate Start, LocalDate End);

/// <summary>A bookable start: its wall-clock time in the tenant's zone and the real instants it spans.</summary>
public sealed record Slot(LocalDateTime LocalStart, Offset Offset, Instant Start, Instant End)
{
    /// <summary>The window the slot keeps inventory busy, buffers included.</summary>
    public (Instant From, Instant To) Occupied(BookingPolicy policy)
    {
        var window = OccupiedWindow.Of(Start, End, policy.BufferBeforeMinutes, policy.BufferAfterMinutes);
        return (window.From, window.To);
    }
}

/// <summary>
/// Turns opening hours into slots. Slots are laid out on the local clock (09:00, 09:30, …) and each
/// local start is mapped to real instants: a local time inside a spring-forward gap does not exist, so
/// no slot is made; a local time in a fall-back overlap happens twice, so it is offered once per real
/// instant. Durations are elapsed time, and a slot must end, on the local clock, by closing time.
/// </summary>
public static class SlotCalculator
{
    public static IEnumerable<Slot> Slots(
        DateTimeZone zone,
        BookingPolicy policy,
        Duration duration,
        IReadOnlyCollection<OpeningInterval> hours,
        IReadOnlyCollection<ClosedRange> closures,
        LocalDate from,
        LocalDate to,
        Instant now)
    {
        var earliest = now + Duration.FromMinutes(policy.LeadTimeMinutes);
        var latest = now + Duration.FromDays(policy.HorizonDays);
        var step = Math.Max(1, policy.SlotStepMinutes);

        for (var date = from; date <= to; date = date.PlusDays(1))
        {
            if (closures.Any(c => c.Start <= date && date <= c.End))
            {
                continue;
            }

            // Collected per day and ordered by instant: in a fall-back hour the local clock runs twice.
            var day = new List<Slot>();
            foreach (var interval in hours.Where(h => h.Day == date.DayOfWeek).OrderBy(h => h.Opens))
            {
                var closes = date + interval.Closes;
                var opensMinute = interval.Opens.Hour * 60 + interval.Opens.Minute;
                var closesMinute = interval.Closes.Hour * 60 + interval.Closes.Minute;
                for (var minute = opensMinute; minute < closesMinute; minute += step)
                {
                    var local = date + LocalTime.FromMinutesSinceMidnight(minute);
                    var mapping = zone.MapLocal(local);
                    ZonedDateTime[] instants = mapping.Count switch
                    {
                        0 => [],
                        1 => [mapping.First()],
                        _ => [mapping.First(), mapping.Last()],
                    };
                    foreach (var zoned in instants)
                    {
                        var start = zoned.ToInstant();
                        var end = start + duration;
                        if (start < earliest || start > latest || end.InZone(zone).LocalDateTime > closes)
                        {
                            continue;
                        }

                        day.Add(new Slot(local, zoned.Offset, start, end));
                    }
                }
            }

            foreach (var slot in day.OrderBy(s => s.Start))
            {
                yield return slot;
            }
        }
    }
}
