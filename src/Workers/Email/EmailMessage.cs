namespace BookingAws.Workers.Email;

/// <summary>An email to send. At least one of <see cref="HtmlBody"/> and <see cref="TextBody"/> is required.</summary>
public sealed record EmailMessage
{
    /// <summary>The sender; when null, <see cref="SesOptions.FromAddress"/> is used.</summary>
    public string? From { get; init; }

    public required IReadOnlyList<string> To { get; init; }

    public required string Subject { get; init; }

    public string? HtmlBody { get; init; }

    public string? TextBody { get; init; }

    public IReadOnlyList<EmailAttachment> Attachments { get; init; } = [];

    /// <summary>
    /// SES message tags (<c>EmailTags</c>), published with every event of the configuration set, so a bounce or
    /// complaint can be traced back to who sent it and why. See <see cref="EmailTagNames"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// A file attached to an email, for example <c>booking.ics</c> as
/// <c>text/calendar; method=REQUEST; charset=utf-8</c> or <c>receipt.pdf</c> as <c>application/pdf</c>.
/// </summary>
public sealed record EmailAttachment(string FileName, string ContentType, ReadOnlyMemory<byte> Content);
