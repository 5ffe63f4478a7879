using System.Globalization;
using System.Text;
using NodaTime;
using NodaTime.Text;

namespace BookingAws.Shared.Calendar;

/// <summary>How a calendar file is meant (RFC 5546): a feed to show, an invitation to add or update, or its withdrawal.</summary>
public enum IcsMethod
{
    Publish,
    Request,
    Cancel,
}

/// <summary>
/// One booking as a calendar event. <see cref="Sequence"/> is the booking's calendar revision: it grows with every
/// change of time and with cancellation, so a calendar that has the event (same UID) applies the newer one.
/// </summary>
public sealed record IcsEvent(
    Guid BookingId,
    int Sequence,
    Instant Start,
    Instant End,
    string Summary,
    string Location,
    string? Description = null,
    bool Cancelled = false,
    string? AttendeeEmail = null,
    string? AttendeeName = null);

/// <summary>The business sending the invitations: its name and the address the emails come from.</summary>
public sealed record IcsOrganizer(string Name, string Email);

/// <summary>
/// iCalendar (RFC 5545) files for bookings: times in the business's time zone (TZID) with that zone's VTIMEZONE, so a
/// calendar shows the time the business means even across a daylight-saving change; CRLF line endings, 75-octet
/// folding. Invitations (REQUEST, CANCEL) carry ORGANIZER and ATTENDEE, as RFC 5546 requires.
/// </summary>
public static class IcsCalendar
{
    private static readonly LocalDateTimePattern LocalPattern = LocalDateTimePattern.CreateWithInvariantCulture("yyyyMMdd'T'HHmmss");

    public static string ContentType(IcsMethod method) => $"text/calendar; method={Name(method)}; charset=utf-8";

    public static string Create(IcsMethod method, DateTimeZone zone, IcsOrganizer organizer, Instant stamp, IReadOnlyList<IcsEvent> events)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(organizer);
        ArgumentNullException.ThrowIfNull(events);
        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//BookingAws//Bookings//EN",
            "CALSCALE:GREGORIAN",
            $"METHOD:{Name(method)}",
        };
        if (events.Count > 0)
        {
            lines.AddRange(TimeZone(zone, events.Min(e => e.Start), events.Max(e => e.End)));
        }

        foreach (var e in events)
        {
            lines.Add("BEGIN:VEVENT");
            lines.Add($"UID:{Uid(e.BookingId)}");
            lines.Add($"SEQUENCE:{e.Sequence.ToString(CultureInfo.InvariantCulture)}");
            lines.Add($"DTSTAMP:{Utc(stamp)}");
            lines.Add($"DTSTART;TZID={zone.Id}:{Local(e.Start, zone)}");
            lines.Add($"DTEND;TZID={zone.Id}:{Local(e.End, zone)}");
            lines.Add($"SUMMARY:{Escape(e.Summary)}");
            lines.Add($"LOCATION:{Escape(e.Location)}");
            if (!string.IsNullOrEmpty(e.Description))
            {
                lines.Add($"DESCRIPTION:{Escape(e.Description)}");
            }

            if (method != IcsMethod.Publish)
            {
                lines.Add($"ORGANIZER;CN={Parameter(organizer.Name)}:mailto:{organizer.Email}");
                if (e.AttendeeEmail is { } attendee)
                {
                    var name = e.AttendeeName is { } n ? $";CN={Parameter(n)}" : string.Empty;
                    lines.Add($"ATTENDEE{name};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:{attendee}");
                }
            }

            lines.Add(e.Cancelled || method == IcsMethod.Cancel ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");
            lines.Add("TRANSP:OPAQUE");
            lines.Add("END:VEVENT");
        }

        lines.Add("END:VCALENDAR");
        var ics = new StringBuilder();
        foreach (var line in lines)
        {
            Fold(ics, line);
        }

        return ics.ToString();
    }

    /// <summary>Stable per booking: every invitation, update and cancellation of one booking names the same event.</summary>
    public static string Uid(Guid bookingId) => $"{bookingId:D}@bookingaws";

    private static string Name(IcsMethod method) => method.ToString().ToUpperInvariant();

    /// <summary>
    /// The zone's rules as the calendar needs them: the offset in force a year before the first event, then one
    /// component per offset change until a year after the last (explicit transitions from the time zone database,
    /// not a guessed yearly rule, so a zone that changed its rules is still exact).
    /// </summary>
    private static IEnumerable<string> TimeZone(DateTimeZone zone, Instant first, Instant last)
    {
        yield return "BEGIN:VTIMEZONE";
        yield return $"TZID:{zone.Id}";
        var intervals = zone.GetZoneIntervals(first - Duration.FromDays(366), last + Duration.FromDays(366)).ToList();

        // The offset in force before the window, as an observance from long ago, so no time in the window is
        // before every component's onset (which some readers treat as undefined).
        var initial = intervals[0];
        foreach (var line in Component(initial.Savings == Offset.Zero, "19700101T000000", initial.WallOffset, initial.WallOffset, initial.Name))
        {
            yield return line;
        }

        for (var i = 1; i < intervals.Count; i++)
        {
            var (before, change) = (intervals[i - 1], intervals[i]);

            // DTSTART is the wall time of the change in the offset in force before it (RFC 5545 3.6.5).
            var at = LocalPattern.Format(change.Start.WithOffset(before.WallOffset).LocalDateTime);
            foreach (var line in Component(change.Savings == Offset.Zero, at, before.WallOffset, change.WallOffset, change.Name))
            {
                yield return line;
            }
        }

        yield return "END:VTIMEZONE";
    }

    private static IEnumerable<string> Component(bool standard, string start, Offset from, Offset to, string name)
    {
        var kind = standard ? "STANDARD" : "DAYLIGHT";
        yield return $"BEGIN:{kind}";
        yield return $"DTSTART:{start}";
        yield return $"TZOFFSETFROM:{UtcOffset(from)}";
        yield return $"TZOFFSETTO:{UtcOffset(to)}";
        if (!string.IsNullOrEmpty(name))
        {
            yield return $"TZNAME:{Escape(name)}";
        }

        yield return $"END:{kind}";
    }

    private static string UtcOffset(Offset offset)
    {
        var seconds = offset.Seconds;
        var sign = seconds < 0 ? "-" : "+";
        var span = TimeSpan.FromSeconds(Math.Abs(seconds));
        var text = $"{sign}{span.Hours:00}{span.Minutes:00}";
        return span.Seconds == 0 ? text : text + $"{span.Seconds:00}";
    }

    private static string Local(Instant instant, DateTimeZone zone) => LocalPattern.Format(instant.InZone(zone).LocalDateTime);

    private static string Utc(Instant value) => value.ToDateTimeUtc().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 3.3.11).</summary>
    private static string Escape(string value) => value
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace(";", "\\;", StringComparison.Ordinal)
        .Replace(",", "\\,", StringComparison.Ordinal)
        .Replace("\r\n", "\\n", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Parameter values cannot be escaped, only quoted (RFC 5545 3.2): quotes are dropped, the rest quoted.</summary>
    private static string Parameter(string value) => $"\"{value.Replace("\"", string.Empty, StringComparison.Ordinal).ReplaceLineEndings(" ")}\"";

    /// <summary>Lines longer than 75 octets continue on the next line after CRLF and a space, never splitting a UTF-8 character.</summary>
    private static void Fold(StringBuilder output, string line)
    {
        var octets = 0;
        var limit = 75;
        var index = 0;
        while (index < line.Length)
        {
            var length = char.IsSurrogatePair(line, index) ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(line.AsSpan(index, length));
            if (octets + size > limit)
            {
                output.Append("\r\n ");
                octets = 1;
            }

            output.Append(line, index, length);
            octets += size;
            index += length;
        }

        output.Append("\r\n");
    }
}
