using NodaTime;

namespace BookingAws.Shared.Domain.Email;

/// <summary>
/// An address the platform no longer emails for a business, because SES reported a permanent bounce or a complaint
/// for it. Keeping to this list protects the sending reputation of the shared SES account (and every tenant with it).
/// A row without a tenant applies to every business: the event named none (an email sent without tags).
/// Not tenant-filtered: the worker reads it for one tenant plus the platform-wide rows.
/// </summary>
/// <remarks>Only the entity lives here, beside the other entities, because <c>BookingDbContext</c> maps it and the
/// migrations create its table; the email code that fills and reads the list is in <c>src/Workers/Email</c>
/// (<c>SuppressionList</c>, <c>SesEvent</c>).</remarks>
public sealed class EmailSuppression
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid? TenantId { get; init; }

    /// <summary>The address, lower-case (see <see cref="Normalize"/>).</summary>
    public required string Email { get; init; }

    /// <summary><see cref="SuppressionReason.Bounce"/> or <see cref="SuppressionReason.Complaint"/>.</summary>
    public required string Reason { get; init; }

    /// <summary>The SES message id of the email that bounced or drew the complaint.</summary>
    public string? SourceMessageId { get; init; }

    public Instant CreatedAt { get; init; }

    /// <summary>Addresses compare case-insensitively in practice; the list stores and looks them up lower-case.</summary>
    public static string Normalize(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return email.Trim().ToLowerInvariant();
    }
}

public static class SuppressionReason
{
    public const string Bounce = "bounce";
    public const string Complaint = "complaint";
}
