using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BookingAws.Workers.Email;
using BookingAws.Workers.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Workers.Tests.Email;

/// <summary>
/// Sends through the SES v2-compatible server (npm aws-ses-v2-local) that the platform script
/// starts; its <c>GET /store</c> shows what arrived. Raw MIME messages are parsed by the server
/// (mailparser), so attachments come back with name, type and content.
/// </summary>
public sealed class SesEmailSenderIntegrationTests : IDisposable
{
    private static readonly string ServiceUrl = Platform.SesUrl;

    private readonly ServiceProvider _services = SesServices.Build(ServiceUrl);
    private readonly HttpClient _store = new() { BaseAddress = new Uri(ServiceUrl), Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task Simple_email_arrives_with_subject_recipients_and_both_bodies()
    {
        await EnsureServerIsUpAsync();
        var subject = $"Booking confirmed {Guid.NewGuid():N}";
        var sender = _services.GetRequiredService<IEmailSender>();

        var messageId = await sender.SendAsync(
            new EmailMessage
            {
                To = ["guest@example.com", "friend@example.com"],
                Subject = subject,
                HtmlBody = "<p>See you <b>Friday</b></p>",
                TextBody = "See you Friday",
            },
            CancellationToken.None);

        var stored = await WaitForEmailAsync(subject);
        Assert.Equal(messageId, stored.GetProperty("messageId").GetString());
        Assert.Equal(SesServices.FromAddress, stored.GetProperty("from").GetString());
        Assert.Equal(["guest@example.com", "friend@example.com"], Strings(stored.GetProperty("destination").GetProperty("to")));
        Assert.Equal("<p>See you <b>Friday</b></p>", stored.GetProperty("body").GetProperty("html").GetString());
        Assert.Equal("See you Friday", stored.GetProperty("body").GetProperty("text").GetString());
        Assert.Empty(stored.GetProperty("attachments").EnumerateArray());
    }

    [Fact]
    public async Task Email_with_calendar_and_pdf_attachments_arrives_with_both_files_intact()
    {
        await EnsureServerIsUpAsync();
        var subject = $"Your receipt {Guid.NewGuid():N} — Zürich"; // non-ASCII subject exercises header encoding
        var ics = Encoding.UTF8.GetBytes(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//BookingAws//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
            + "UID:booking-42@bookingaws.test\r\nDTSTAMP:20250101T090000Z\r\nDTSTART:20250110T090000Z\r\n"
            + "DTEND:20250110T100000Z\r\nSUMMARY:Haircut\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n%\u00e2\u00e3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
            .Concat(new byte[] { 0, 1, 2, 250, 251, 252, 253, 254, 255 })
            .ToArray();
        var sender = _services.GetRequiredService<IEmailSender>();

        var messageId = await sender.SendAsync(
            new EmailMessage
            {
                From = "receipts@bookingaws.test",
                To = ["guest@example.com"],
                Subject = subject,
                HtmlBody = "<p>Thanks for your booking</p>",
                TextBody = "Thanks for your booking",
                Attachments =
                [
                    new EmailAttachment("booking.ics", "text/calendar; method=REQUEST; charset=utf-8", ics),
                    new EmailAttachment("receipt.pdf", "application/pdf", pdf),
                ],
            },
            CancellationToken.None);

        var stored = await WaitForEmailAsync(subject);
        Assert.Equal(messageId, stored.GetProperty("messageId").GetString());
        Assert.Equal("receipts@bookingaws.test", stored.GetProperty("from").GetString());
        Assert.Equal(["guest@example.com"], Strings(stored.GetProperty("destination").GetProperty("to")));
        Assert.Equal("Thanks for your booking", stored.GetProperty("body").GetProperty("text").GetString()?.Trim());
        Assert.Contains("Thanks for your booking", stored.GetProperty("body").GetProperty("html").GetString(), StringComparison.Ordinal);

        var attachments = stored.GetProperty("attachments").EnumerateArray()
            .ToDictionary(a => a.GetProperty("filename").GetString()!);
        Assert.Equal(["booking.ics", "receipt.pdf"], attachments.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("text/calendar", attachments["booking.ics"].GetProperty("contentType").GetString());
        Assert.Equal(ics, Convert.FromBase64String(attachments["booking.ics"].GetProperty("content").GetString()!));
        Assert.Equal("application/pdf", attachments["receipt.pdf"].GetProperty("contentType").GetString());
        Assert.Equal(pdf, Convert.FromBase64String(attachments["receipt.pdf"].GetProperty("content").GetString()!));
    }

    [Fact]
    public async Task Message_the_server_rejects_fails_with_its_status_and_reason()
    {
        await EnsureServerIsUpAsync();
        var sender = _services.GetRequiredService<IEmailSender>();

        // An empty sender address is a 400 from SES and from aws-ses-v2-local alike.
        var error = await Assert.ThrowsAsync<EmailSendException>(() => sender.SendAsync(
            new EmailMessage { From = "", To = ["guest@example.com"], Subject = "rejected", TextBody = "x" },
            CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
        Assert.False(error.IsTransient);
        Assert.Contains("Must have a from email address", error.Message, StringComparison.Ordinal);
    }

    private async Task EnsureServerIsUpAsync()
    {
        try
        {
            using var response = await _store.GetAsync("health-check");
            response.EnsureSuccessStatusCode();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Assert.Fail(
                $"The SES v2-compatible server (npm aws-ses-v2-local@2.10.2) is not reachable at {ServiceUrl}: {ex.Message}. "
                + "The platform script starts it; set Ses__ServiceUrl if it listens elsewhere.");
        }
    }

    private async Task<JsonElement> WaitForEmailAsync(string subject)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var store = await _store.GetFromJsonAsync<JsonDocument>("store");
            foreach (var email in store!.RootElement.GetProperty("emails").EnumerateArray())
            {
                if (email.GetProperty("subject").GetString() == subject)
                {
                    return email.Clone();
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"No email with subject '{subject}' reached {ServiceUrl}/store within 10 s.");
            await Task.Delay(100);
        }
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToArray();

    public void Dispose()
    {
        _services.Dispose();
        _store.Dispose();
    }
}
