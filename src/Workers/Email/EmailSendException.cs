using System.Net;

namespace BookingAws.Workers.Email;

/// <summary>
/// Sending failed. <see cref="IsTransient"/> tells a caller (such as a queue handler) whether trying the
/// same message later may succeed: true for 5xx, 429 and network failures or timeouts that outlasted
/// the retries, false for a rejected request (other 4xx).
/// </summary>
public sealed class EmailSendException : Exception
{
    public EmailSendException(string message, HttpStatusCode? statusCode, string? errorType, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ErrorType = errorType;
        IsTransient = isTransient;
    }

    /// <summary>The HTTP status SES answered with, or null when no answer came.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>SES's error type, e.g. <c>MessageRejected</c> or <c>BadRequestException</c>, when it gave one.</summary>
    public string? ErrorType { get; }

    public bool IsTransient { get; }
}
