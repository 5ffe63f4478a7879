using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using MimeKit;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace BookingAws.Workers.Email;

/// <summary>
/// Sends through the SES v2 HTTPS API (<c>POST /v2/email/outbound-emails</c>). A message without
/// attachments goes as <c>Content.Simple</c>; one with attachments is built as a MIME message by
/// MimeKit and goes as <c>Content.Raw</c>. Signing, retries and timeouts are handlers of the typed
/// HttpClient (see <see cref="EmailServiceCollectionExtensions.AddSesEmail"/>).
/// </summary>
public sealed partial class SesEmailSender(
    HttpClient httpClient,
    IOptions<SesOptions> options,
    TimeProvider timeProvider,
    ILogger<SesEmailSender> logger) : IEmailSender
{
    internal const string SendPath = "v2/email/outbound-emails";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<string> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        Validate(message);
        var settings = options.Value;
        var from = message.From ?? settings.FromAddress
            ?? throw new InvalidOperationException("No sender: set Ses:FromAddress.");
        var request = new SendEmailRequest(
            FromEmailAddress: from,
            Destination: new Destination(message.To),
            Content: message.Attachments.Count == 0
                ? new EmailContent(Simple: ToSimple(message), Raw: null)
                : new EmailContent(Simple: null, Raw: new RawMessage(ToRawMime(message, from))),
            ConfigurationSetName: string.IsNullOrWhiteSpace(settings.ConfigurationSetName) ? null : settings.ConfigurationSetName,
            EmailTags: message.Tags.Count == 0 ? null : [.. message.Tags.Select(t => new MessageTag(t.Key, t.Value))]);

        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, Json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        HttpResponseMessage response;
        try
        {
            response = await httpClient.PostAsync(SendPath, content, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
                                       || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new EmailSendException($"SES could not be reached: {ex.Message}", null, null, isTransient: true, ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
            }

            var result = await response.Content.ReadFromJsonAsync<SendEmailResponse>(Json, cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(result?.MessageId))
            {
                throw new EmailSendException("SES accepted the message but returned no MessageId.", response.StatusCode, null, isTransient: false);
            }

            LogSent(logger, result.MessageId, message.To.Count, message.Attachments.Count);
            return result.MessageId;
        }
    }

    private static void Validate(EmailMessage message)
    {
        if (message.To.Count == 0)
        {
            throw new ArgumentException("An email needs at least one recipient.", nameof(message));
        }

        if (string.IsNullOrEmpty(message.HtmlBody) && string.IsNullOrEmpty(message.TextBody))
        {
            throw new ArgumentException("An email needs an HTML or a text body.", nameof(message));
        }

        foreach (var (name, value) in message.Tags)
        {
            if (!EmailTagNames.IsValid(name) || !EmailTagNames.IsValid(value))
            {
                throw new ArgumentException($"SES accepts tag names and values of 1-256 ASCII letters, digits, '_' or '-'; got {name}={value}.", nameof(message));
            }
        }
    }

    private static SimpleMessage ToSimple(EmailMessage message) => new(
        new Content(message.Subject),
        new Body(
            message.HtmlBody is null ? null : new Content(message.HtmlBody),
            message.TextBody is null ? null : new Content(message.TextBody)));

    private byte[] ToRawMime(EmailMessage message, string from)
    {
        var mime = new MimeMessage { Subject = message.Subject, Date = timeProvider.GetUtcNow() };
        mime.From.Add(MailboxAddress.Parse(from));
        foreach (var to in message.To)
        {
            mime.To.Add(MailboxAddress.Parse(to));
        }

        var body = new BodyBuilder { HtmlBody = message.HtmlBody, TextBody = message.TextBody };
        foreach (var attachment in message.Attachments)
        {
            body.Attachments.Add(attachment.FileName, attachment.Content.ToArray(), ContentType.Parse(attachment.ContentType));
        }

        mime.Body = body.ToMessageBody();

        // Internet mail wants CRLF line endings whatever the platform.
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        using var stream = new MemoryStream();
        mime.WriteTo(format, stream);
        return stream.ToArray();
    }

    private static async Task<EmailSendException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? errorType = null;
        string? detail = null;

        // SES names the error in x-amzn-ErrorType ("MessageRejected:http://…") and explains it in a JSON "message".
        if (response.Headers.TryGetValues("x-amzn-ErrorType", out var types))
        {
            errorType = types.FirstOrDefault()?.Split(':')[0];
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                errorType ??= Property(doc.RootElement, "__type", "type", "code");
                var text = Property(doc.RootElement, "message", "Message");
                var extra = Property(doc.RootElement, "detail");
                detail = extra is null ? text : $"{text} ({extra})";
            }
        }
        catch (JsonException)
        {
            detail = body.Length > 500 ? body[..500] : body;
        }

        var transient = (int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
        var message = $"SES rejected the email with {(int)status} {status}"
                      + (errorType is null ? string.Empty : $" {errorType}")
                      + (string.IsNullOrWhiteSpace(detail) ? "." : $": {detail}");
        return new EmailSendException(message, status, errorType, transient);
    }

    private static string? Property(JsonElement element, params string[] names)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (names.Contains(property.Name, StringComparer.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
            {
                return property.Value.GetString();
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent email {MessageId} to {RecipientCount} recipient(s) with {AttachmentCount} attachment(s)")]
    private static partial void LogSent(ILogger logger, string messageId, int recipientCount, int attachmentCount);

    // SES v2 SendEmail wire shapes, PascalCase as the API expects.
    private sealed record SendEmailRequest(
        string FromEmailAddress,
        Destination Destination,
        EmailContent Content,
        string? ConfigurationSetName,
        IReadOnlyList<MessageTag>? EmailTags);

    private sealed record MessageTag(string Name, string Value);

    private sealed record Destination(IReadOnlyList<string> ToAddresses);

    private sealed record EmailContent(SimpleMessage? Simple, RawMessage? Raw);

    private sealed record SimpleMessage(Content Subject, Body Body);

    private sealed record Body(Content? Html, Content? Text);

    private sealed record Content(string Data, string Charset = "UTF-8");

    // byte[] serialises as base64, which is what Raw.Data is on the wire.
    private sealed record RawMessage(byte[] Data);

    private sealed record SendEmailResponse(string? MessageId);
}
