using System.Globalization;
using System.Text;

namespace BookingAws.Workers.Email;

/// <summary>An iCalendar (RFC 5545) file with one event, in UTC, with CRLF line endings and 75-octet line folding.</summary>
public static class IcsCalendar
{
    public const string ContentType = "text/calendar; method=PUBLISH; charset=utf-8";

    public static string Create(Guid bookingId, DateTimeOffset stamp, DateTimeOffset start, DateTimeOffset end, string summary, string location, string? description = null)
    {
        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//BookingAws//Bookings//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "BEGIN:VEVENT",
            $"UID:{bookingId:D}@bookingaws",
            $"DTSTAMP:{Utc(stamp)}",
            $"DTSTART:{Utc(start)}",
            $"DTEND:{Utc(end)}",
            $"SUMMARY:{Escape(summary)}",
            $"LOCATION:{Escape(location)}",
        };
        if (!string.IsNullOrEmpty(description))
        {
            lines.Add($"DESCRIPTION:{Escape(description)}");
        }

        lines.AddRange(["STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR"]);
        var ics = new StringBuilder();
        foreach (var line in lines)
        {
            Fold(ics, line);
        }

        return ics.ToString();
    }

    private static string Utc(DateTimeOffset value) => value.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 3.3.11).</summary>
    private static string Escape(string value) => value
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace(";", "\\;", StringComparison.Ordinal)
        .Replace(",", "\\,", StringComparison.Ordinal)
        .Replace("\r\n", "\\n", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal);

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
