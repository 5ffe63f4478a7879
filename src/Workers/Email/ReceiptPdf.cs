using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using PdfSharp.WPFonts;

namespace BookingAws.Workers.Email;

/// <summary>What a receipt shows. Amounts are minor units of <see cref="Currency"/>.</summary>
public sealed record ReceiptData(
    string TenantName,
    int ReceiptNumber,
    string IssuedOn,
    string CustomerName,
    string PackageName,
    int Seats,
    long UnitPriceMinor,
    long TotalMinor,
    string Currency,
    string? TaxLabel,
    decimal TaxRatePercent,
    long TaxMinor,
    string PaymentReference,
    string BookingWhen);

/// <summary>Draws a one-page receipt with PDFsharp.</summary>
public static class ReceiptPdf
{
    private static readonly Lock FontLock = new();

    public static byte[] Create(ReceiptData receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        EnsureFonts();
        using var document = new PdfDocument();
        document.Info.Title = $"Receipt {receipt.ReceiptNumber}";
        document.Info.Author = receipt.TenantName;
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            var title = new XFont(EmbeddedFonts.Family, 20, XFontStyleEx.Bold);
            var body = new XFont(EmbeddedFonts.Family, 11, XFontStyleEx.Regular);
            var bold = new XFont(EmbeddedFonts.Family, 11, XFontStyleEx.Bold);
            double left = 50, right = page.Width.Point - 50, y = 60;

            gfx.DrawString(receipt.TenantName, title, XBrushes.Black, left, y);
            y += 30;
            gfx.DrawString($"Receipt {receipt.ReceiptNumber}", bold, XBrushes.Black, left, y);
            gfx.DrawString($"Issued {receipt.IssuedOn}", body, XBrushes.Black, new XRect(left, y - 11, right - left, 14), XStringFormats.TopRight);
            y += 20;
            gfx.DrawString($"Billed to {receipt.CustomerName}", body, XBrushes.Black, left, y);
            y += 30;

            gfx.DrawString("Item", bold, XBrushes.Black, left, y);
            gfx.DrawString("Amount", bold, XBrushes.Black, new XRect(left, y - 11, right - left, 14), XStringFormats.TopRight);
            y += 6;
            gfx.DrawLine(XPens.Gray, left, y, right, y);
            y += 18;
            var line = $"{receipt.PackageName} × {receipt.Seats} @ {Money.Format(receipt.UnitPriceMinor, receipt.Currency)}";
            gfx.DrawString(line, body, XBrushes.Black, left, y);
            gfx.DrawString(Money.Format(receipt.TotalMinor, receipt.Currency), body, XBrushes.Black, new XRect(left, y - 11, right - left, 14), XStringFormats.TopRight);
            y += 16;
            gfx.DrawString(receipt.BookingWhen, body, XBrushes.Gray, left, y);
            y += 10;
            gfx.DrawLine(XPens.Gray, left, y, right, y);
            y += 18;

            if (receipt.TaxMinor > 0 && receipt.TaxLabel is not null)
            {
                gfx.DrawString($"Includes {receipt.TaxLabel} {receipt.TaxRatePercent:0.##}%", body, XBrushes.Black, left, y);
                gfx.DrawString(Money.Format(receipt.TaxMinor, receipt.Currency), body, XBrushes.Black, new XRect(left, y - 11, right - left, 14), XStringFormats.TopRight);
                y += 18;
            }

            gfx.DrawString("Total paid", bold, XBrushes.Black, left, y);
            gfx.DrawString(Money.Format(receipt.TotalMinor, receipt.Currency), bold, XBrushes.Black, new XRect(left, y - 11, right - left, 14), XStringFormats.TopRight);
            y += 30;
            gfx.DrawString($"Payment reference {receipt.PaymentReference}", body, XBrushes.Black, left, y);
        }

        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    private static void EnsureFonts()
    {
        lock (FontLock)
        {
            if (GlobalFontSettings.FontResolver is not EmbeddedFonts)
            {
                GlobalFontSettings.FontResolver = new EmbeddedFonts();
            }
        }
    }

    /// <summary>Servers have no fonts to rely on; PDFsharp ships Segoe WP (in PdfSharp.WPFonts), so use that everywhere.</summary>
    private sealed class EmbeddedFonts : IFontResolver
    {
        public const string Family = "Segoe WP";

        public FontResolverInfo ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
            new(isBold ? "SegoeWPBold" : "SegoeWP", false, isItalic);

        public byte[] GetFont(string faceName) => faceName == "SegoeWPBold" ? FontDataHelper.SegoeWPBold : FontDataHelper.SegoeWP;
    }
}

/// <summary>Formats minor units with the currency's exponent.</summary>
public static class Money
{
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.OrdinalIgnoreCase) { "JPY", "KRW", "VND", "CLP", "ISK", "HUF" };

    public static string Format(long minor, string currency)
    {
        var code = currency.Trim().ToUpperInvariant();
        if (ZeroDecimal.Contains(code))
        {
            return $"{code} {minor.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}";
        }

        var major = minor / 100m;
        return $"{code} {major.ToString("N2", System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
