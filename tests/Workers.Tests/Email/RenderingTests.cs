using System.Text;
using BookingAws.Workers.Email;
using UglyToad.PdfPig;

namespace BookingAws.Workers.Tests.Email;

public class RenderingTests
{
    [Fact]
    public void Ics_has_one_event_in_utc_with_escaped_text_and_crlf_lines()
    {
        var id = Guid.NewGuid();
        var ics = IcsCalendar.Create(
            id,
            new DateTimeOffset(2027, 3, 1, 9, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2027, 3, 28, 10, 30, 0, TimeSpan.FromHours(1)),
            new DateTimeOffset(2027, 3, 28, 12, 0, 0, TimeSpan.FromHours(1)),
            "Sunset paddle, 2 seats; bring a towel",
            "Kayak & Co");

        Assert.DoesNotContain("\n", ics.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        var lines = Unfold(ics);
        Assert.Equal("BEGIN:VCALENDAR", lines[0]);
        Assert.Equal("END:VCALENDAR", lines[^1]);
        Assert.Contains("VERSION:2.0", lines);
        Assert.Single(lines, l => l == "BEGIN:VEVENT");
        Assert.Contains($"UID:{id:D}@bookingaws", lines);
        Assert.Contains("DTSTAMP:20270301T090000Z", lines);
        Assert.Contains("DTSTART:20270328T093000Z", lines);
        Assert.Contains("DTEND:20270328T110000Z", lines);
        Assert.Contains("SUMMARY:Sunset paddle\\, 2 seats\\; bring a towel", lines);
        Assert.Contains("LOCATION:Kayak & Co", lines);
    }

    [Fact]
    public void Ics_folds_long_lines_at_75_octets_without_splitting_characters()
    {
        var ics = IcsCalendar.Create(Guid.NewGuid(), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1), new string('é', 100), "Zürich");
        foreach (var physical in ics.Split("\r\n"))
        {
            Assert.True(Encoding.UTF8.GetByteCount(physical) <= 75, physical);
        }

        Assert.Contains("SUMMARY:" + new string('é', 100), Unfold(ics));
    }

    [Fact]
    public void Html_templates_encode_values_and_text_templates_do_not()
    {
        var values = new Dictionary<string, string> { ["name"] = "<script>alert(1)</script> & co" };
        Assert.Equal("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</p>", TemplateRenderer.Fill("<p>{{name}}</p>", values, encode: true));
        Assert.Equal("<script>alert(1)</script> & co", TemplateRenderer.Fill("{{ name }}", values, encode: false));
        Assert.Throws<KeyNotFoundException>(() => TemplateRenderer.Fill("{{missing}}", values, encode: true));
    }

    [Fact]
    public void Receipt_pdf_opens_and_shows_tenant_number_line_items_tax_total_and_reference()
    {
        var pdf = ReceiptPdf.Create(new ReceiptData("Kayak & Co", 1042, "1 March 2027", "Ada Lovelace", "Sunset paddle", 2, 2500, 5000, "GBP", "VAT", 20m, 833, "pi_123abc", "Sunday 28 March 2027, 10:30 BST"));

        using var document = PdfDocument.Open(pdf);
        var text = string.Join("\n", document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
        Assert.Contains("Kayak", text, StringComparison.Ordinal);
        Assert.Contains("1042", text, StringComparison.Ordinal);
        Assert.Contains("Sunset paddle", text, StringComparison.Ordinal);
        Assert.Contains("25.00", text, StringComparison.Ordinal);
        Assert.Contains("50.00", text, StringComparison.Ordinal);
        Assert.Contains("8.33", text, StringComparison.Ordinal);
        Assert.Contains("pi_123abc", text, StringComparison.Ordinal);
    }

    internal static List<string> Unfold(string ics) =>
        ics.Replace("\r\n ", string.Empty, StringComparison.Ordinal).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).ToList();
}
