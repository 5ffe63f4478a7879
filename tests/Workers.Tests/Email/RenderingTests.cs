using BookingAws.Workers.Email;
using UglyToad.PdfPig;

namespace BookingAws.Workers.Tests.Email;

public class RenderingTests
{
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

}
