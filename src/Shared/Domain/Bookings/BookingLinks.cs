using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BookingAws.Shared.Domain.Bookings;

public sealed class BookingLinkOptions
{
    public const string Section = "Links";

    /// <summary>Signs "manage your booking" links. Secrets Manager in AWS; a fixed local value in Development.</summary>
    [Required, MinLength(32)]
    public string SigningKey { get; set; } = "";

    /// <summary>Where the portal is served (the CloudFront URL in AWS); links in emails point there.</summary>
    [Required, Url]
    public string PortalBaseUrl { get; set; } = "http://127.0.0.1:5173";
}

/// <summary>
/// "Manage your booking" links for customers who booked as guests and have no account: the link carries an
/// HMAC of the booking id, so whoever has the email can see, cancel or reschedule that one booking (within
/// the business's policy) and nothing else. Tokens do not expire: what they allow is already bounded by
/// the booking's state and the policy windows.
/// </summary>
public sealed class BookingLinks(IOptions<BookingLinkOptions> options)
{
    private readonly byte[] key = Encoding.UTF8.GetBytes(options.Value.SigningKey);

    public string TokenFor(Guid bookingId) =>
        Base64Url(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"booking-manage:v1:{bookingId:D}")));

    public bool IsValid(Guid bookingId, string? token) =>
        token is { Length: > 0 and < 100 }
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(TokenFor(bookingId)), Encoding.ASCII.GetBytes(token));

    /// <summary>The token rides in the fragment, which browsers never send to a server (nor in Referer), so it
    /// stays out of CloudFront and API logs.</summary>
    public string ManageUrl(string tenantSlug, Guid bookingId) =>
        $"{options.Value.PortalBaseUrl.TrimEnd('/')}/?business={Uri.EscapeDataString(tenantSlug)}&booking={bookingId:D}#token={TokenFor(bookingId)}";

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public static class BookingLinkServiceCollectionExtensions
{
    public static IServiceCollection AddBookingLinks(this IServiceCollection services)
    {
        services.AddOptions<BookingLinkOptions>().BindConfiguration(BookingLinkOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services.AddSingleton<BookingLinks>();
    }
}
