using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Calendar;
using BookingAws.Shared.Data;
using BookingAws.Shared.Data.Bookings;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace BookingAws.Api.Features.Calendar;

/// <summary>The address of a business's private calendar feed, shown once when it is made.</summary>
public sealed record CalendarFeedResponse(Uri Url);

/// <summary>
/// A private iCalendar feed of a business's bookings for its staff's calendar apps (which subscribe by URL and
/// cannot sign in): the secret in the address is the key. The owner makes one (again: the old address stops
/// working) or removes it.
/// </summary>
public static class CalendarFeedEndpoints
{
    public static void MapCalendarFeedEndpoints(this RouteGroupBuilder api, RouteGroupBuilder dashboard)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(dashboard);
        dashboard.MapPost("/calendar-feed", CreateFeed).WithName("CreateCalendarFeed").WithTags("Calendar").RequireAuthorization(Policies.Owner);
        dashboard.MapDelete("/calendar-feed", RemoveFeed).WithName("RemoveCalendarFeed").WithTags("Calendar").RequireAuthorization(Policies.Owner);
        api.MapGet("/calendar-feeds/{token}.ics", GetFeed).WithName("GetCalendarFeed").WithTags("Calendar").AllowAnonymous();
    }

    public static async Task<Created<CalendarFeedResponse>> CreateFeed(
        TenantContext scope, BookingDbContext db, LinkGenerator links, HttpContext http, CancellationToken ct)
    {
        var tenant = await db.Tenants.FindAsync([scope.Tenant.Id], ct) ?? throw new InvalidOperationException("Tenant vanished.");
        var token = BookingCalendar.NewFeedToken();
        db.Entry(tenant).Property(BookingCalendar.FeedTokenHashProperty).CurrentValue = BookingCalendar.HashFeedToken(token);
        await db.SaveChangesAsync(ct);
        var url = new Uri(links.GetUriByName(http, "GetCalendarFeed", new { token })
            ?? throw new InvalidOperationException("No route for the calendar feed."));
        return TypedResults.Created(url, new CalendarFeedResponse(url));
    }

    public static async Task<NoContent> RemoveFeed(TenantContext scope, BookingDbContext db, CancellationToken ct)
    {
        var tenant = await db.Tenants.FindAsync([scope.Tenant.Id], ct) ?? throw new InvalidOperationException("Tenant vanished.");
        db.Entry(tenant).Property(BookingCalendar.FeedTokenHashProperty).CurrentValue = null;
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Read from the primary: a feed is polled every few minutes per subscriber, and a just-made address must work
    /// at once. An unknown or removed address answers 404, the same for both.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, NotFound>> GetFeed(
        string token, BookingDbContext db, IClock clock, HttpContext http, CancellationToken ct)
    {
        if (token.Length is < 20 or > 100 || await BookingCalendar.FeedTenantAsync(db, token, ct) is not { } tenant)
        {
            return TypedResults.NotFound();
        }

        var ics = await BookingCalendar.FeedAsync(db, tenant, clock.GetCurrentInstant(), ct);

        // Private: the address is a secret, so no shared cache may keep it; calendar apps poll, a few minutes is fresh enough.
        http.Response.Headers.CacheControl = "private, max-age=300";
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(ics), IcsCalendar.ContentType(IcsMethod.Publish), $"{tenant.Slug}.ics");
    }
}
