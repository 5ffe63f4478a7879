using System.ComponentModel.DataAnnotations;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Tenants;
using NodaTime;

namespace BookingAws.Api.Features.Tenants;

public sealed record SignUpRequest(
    [Required, RegularExpression("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", ErrorMessage = "Use 1-63 lower-case letters, digits and hyphens.")] string Slug,
    [Required, StringLength(200, MinimumLength = 1)] string Name,
    [Required, IanaTimeZone] string TimeZone,
    [Required, IsoCurrency] string Currency,
    [Required, EmailAddress, StringLength(254)] string OwnerEmail,
    [Required, StringLength(200, MinimumLength = 1)] string OwnerName,
    [StringLength(256, MinimumLength = 12)] string? OwnerPassword = null);

public sealed record UpdateTenantRequest(
    [Required, StringLength(200, MinimumLength = 1)] string Name,
    [Required, IanaTimeZone] string TimeZone,
    [StringLength(255)] string? StripeAccountId);

public sealed record BookingPolicyDto(
    [Range(0, 60 * 24 * 30)] int LeadTimeMinutes,
    [Range(1, 730)] int HorizonDays,
    [Range(5, 24 * 60)] int SlotStepMinutes,
    [Range(0, OccupiedWindow.MaxBufferMinutes)] int BufferBeforeMinutes,
    [Range(0, OccupiedWindow.MaxBufferMinutes)] int BufferAfterMinutes,
    [Range(1, 24 * 60)] int HoldMinutes,
    [Range(0, 24 * 365)] int RescheduleWindowHours,
    [Range(0, 24 * 365)] int CancellationWindowHours,
    RefundRule RefundRule,
    [Range(0, 100)] int LateRefundPercent,
    [Range(1, 7 * 24 * 60)] int? WaitlistOfferMinutes = null)
{
    public static BookingPolicyDto From(BookingPolicy p) => new(
        p.LeadTimeMinutes, p.HorizonDays, p.SlotStepMinutes, p.BufferBeforeMinutes, p.BufferAfterMinutes,
        p.HoldMinutes, p.RescheduleWindowHours, p.CancellationWindowHours, p.RefundRule, p.LateRefundPercent, p.WaitlistOfferMinutes);

    /// <summary>The policy this request sets; a field a client that predates it leaves out keeps <paramref name="current"/>'s value.</summary>
    public BookingPolicy ToDomain(BookingPolicy current) => new()
    {
        LeadTimeMinutes = LeadTimeMinutes,
        HorizonDays = HorizonDays,
        SlotStepMinutes = SlotStepMinutes,
        BufferBeforeMinutes = BufferBeforeMinutes,
        BufferAfterMinutes = BufferAfterMinutes,
        HoldMinutes = HoldMinutes,
        RescheduleWindowHours = RescheduleWindowHours,
        CancellationWindowHours = CancellationWindowHours,
        RefundRule = RefundRule,
        LateRefundPercent = LateRefundPercent,
        WaitlistOfferMinutes = WaitlistOfferMinutes ?? current.WaitlistOfferMinutes,
    };
}

public sealed record TenantDto(
    Guid Id, string Slug, string Name, string TimeZone, string Currency, string? StripeAccountId, BookingPolicyDto Policy, DateTimeOffset CreatedAt)
{
    public static TenantDto From(Tenant t) => new(
        t.Id, t.Slug, t.Name, t.TimeZone, t.Currency, t.StripeAccountId, BookingPolicyDto.From(t.Policy), t.CreatedAt.ToDateTimeOffset());
}

public sealed record SignUpResponse(TenantDto Tenant, Guid OwnerId);

/// <summary>An IANA zone id known to the tz database NodaTime ships.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class IanaTimeZoneAttribute : ValidationAttribute
{
    public IanaTimeZoneAttribute()
        : base("'{0}' must be an IANA time zone such as Europe/London.")
    {
    }

    public override bool IsValid(object? value) =>
        value is null || (value is string s && DateTimeZoneProviders.Tzdb.GetZoneOrNull(s) is not null);
}

/// <summary>An ISO 4217 currency code: three upper-case letters that .NET knows as a currency.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class IsoCurrencyAttribute : ValidationAttribute
{
    private static readonly HashSet<string> Known = System.Globalization.CultureInfo.GetCultures(System.Globalization.CultureTypes.SpecificCultures)
        .Select(c =>
        {
            try
            {
                return new System.Globalization.RegionInfo(c.Name).ISOCurrencySymbol;
            }
            catch (ArgumentException)
            {
                return null;
            }
        })
        .OfType<string>()
        .ToHashSet(StringComparer.Ordinal);

    public IsoCurrencyAttribute()
        : base("'{0}' must be an ISO 4217 currency code such as GBP.")
    {
    }

    public override bool IsValid(object? value) => value is null || (value is string s && Known.Contains(s));
}
