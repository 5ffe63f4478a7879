namespace BookingAws.Workers.Email;

/// <summary>
/// The SES message tags every platform email carries. SES publishes them with each event of the configuration set
/// (<c>mail.tags</c>, each value as a one-element array), which is how a bounce or complaint finds its tenant.
/// </summary>
public static class EmailTagNames
{
    /// <summary>The business the email was sent for (a GUID).</summary>
    public const string TenantId = "tenant_id";

    /// <summary>What the email is, e.g. <c>booking-confirmed</c> or <c>receipt</c> (the template name).</summary>
    public const string Kind = "kind";

    /// <summary>SES allows 1-256 ASCII letters, digits, underscores and dashes in tag names and values.</summary>
    public static bool IsValid(string value) =>
        value is { Length: > 0 and <= 256 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
