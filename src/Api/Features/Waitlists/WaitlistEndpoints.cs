using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Caching;
using BookingAws.Shared.Data.Waitlists;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Waitlists;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace BookingAws.Api.Features.Waitlists;

/// <summary>
/// Waiting lists of full slots, for guests and signed-in customers alike. Joining is an anonymous write under the
/// hold's abuse limits; the entry's token (a signed id, like a manage link's) is the credential to look at or leave it,
/// and a wrong token is the same 404 as a missing entry.
/// </summary>
public static partial class WaitlistEndpoints
{
    public const string TokenHeader = "X-Waitlist-Token";

    public static void MapWaitlistEndpoints(this RouteGroupBuilder api, RouteGroupBuilder dashboard)
    {
        dashboard.MapGet("/waitlist", ListForBusiness).WithName("ListWaitlist").WithTags("Waitlists");
        api.MapPost("/tenants/{slug}/waitlist", Join).WithName("JoinWaitlist").WithTags("Waitlists").AllowAnonymous();
        var entry = api.MapGroup("/waitlist/{id:guid}").WithTags("Waitlists").AllowAnonymous();
        entry.MapGet("/", Get).WithName("GetWaitlistEntry");
        entry.MapPost("/leave", Leave).WithName("LeaveWaitlist");
    }

    public static async Task<Results<Created<WaitlistEntryDto>, ProblemHttpResult>> Join(
        string slug, JoinWaitlistRequest request, HttpContext http, WaitlistStore waitlists, Caller caller, BookingLinks links, CacheInvalidation cache, CancellationToken ct)
    {
        DomainException.EnsureSaneDate(DateOnly.FromDateTime(request.StartsAt.UtcDateTime), "startsAt");
        var person = CurrentUser.From(http.User) is null ? null : await caller.PersonAsync(ct);

        // As for a hold: only the signed-in person's own (proven) address needs no proof.
        var (customer, ownAddress) = BookingEndpoints.CustomerFor(request.Customer, person);
        var command = new JoinWaitlistCommand(slug, request.PackageId, Instant.FromDateTimeOffset(request.StartsAt), request.Seats, customer, !ownAddress);
        switch (await waitlists.JoinAsync(command, ct))
        {
            case JoinWaitlistOutcome.Joined joined:
                // The slot now shows as waited for (0 seats): drop its cached availability everywhere.
                await SlotChangedAsync(cache, joined.View.Entry);
                return TypedResults.Created($"/api/v1/waitlist/{joined.View.Entry.Id}", WaitlistEntryDto.From(joined.View, links, withToken: true));
            case JoinWaitlistOutcome.TenantNotFound:
                return Problem(StatusCodes.Status404NotFound, $"No business '{slug}'.");
            case JoinWaitlistOutcome.PackageNotFound:
                return Problem(StatusCodes.Status404NotFound, "No such package.", "packageId");
            case JoinWaitlistOutcome.SeatsOutOfRange range:
                throw DomainException.Invalid("seats", $"Wait for between 1 and {range.MaxSeats} seats.");
            case JoinWaitlistOutcome.SlotNotOffered:
                return Problem(StatusCodes.Status422UnprocessableEntity, "That start time is not offered for this package.", "startsAt");
            case JoinWaitlistOutcome.SeatsAvailable:
                return Problem(StatusCodes.Status409Conflict, "There is room at this time for this many seats: book it instead of waiting.", "startsAt");
            case JoinWaitlistOutcome.AlreadyWaiting:
                return Problem(StatusCodes.Status409Conflict, "This email is already on the waiting list for this time.", "customer.email");
            case var other:
                throw new InvalidOperationException($"Unhandled outcome {other}.");
        }
    }

    public static async Task<Results<Ok<WaitlistEntryDto>, ProblemHttpResult>> Get(
        Guid id, HttpContext http, WaitlistStore waitlists, BookingLinks links, CancellationToken ct)
    {
        if (!links.IsValid(id, http.Request.Headers[TokenHeader]) || await waitlists.FindAsync(id, ct) is not { } view)
        {
            return NotFound();
        }

        return TypedResults.Ok(WaitlistEntryDto.From(view, links, withToken: false));
    }

    public static async Task<Results<Ok<WaitlistEntryDto>, ProblemHttpResult>> Leave(
        Guid id, HttpContext http, WaitlistStore waitlists, BookingLinks links, CacheInvalidation cache, CancellationToken ct)
    {
        if (!links.IsValid(id, http.Request.Headers[TokenHeader]))
        {
            return NotFound();
        }

        var outcome = await waitlists.LeaveAsync(id, ct);
        if (outcome is LeaveWaitlistOutcome.Left gone)
        {
            // The last one leaving shows the slot's seats again.
            await SlotChangedAsync(cache, gone.View.Entry);
        }

        return outcome switch
        {
            LeaveWaitlistOutcome.Left left => TypedResults.Ok(WaitlistEntryDto.From(left.View, links, withToken: false)),
            LeaveWaitlistOutcome.NotWaiting { View.Entry.Status: WaitlistStatus.Offered } => Problem(
                StatusCodes.Status409Conflict, "A place was already offered to this entry: cancel the offered booking to give it up.", "id"),
            LeaveWaitlistOutcome.NotWaiting not => Problem(StatusCodes.Status409Conflict, $"This entry is no longer waiting ({not.View.Entry.Status}).", "id"),
            _ => NotFound(),
        };
    }

    /// <summary>Availability is cached per day of the slot: the day of the entry's start is enough.</summary>
    private static Task SlotChangedAsync(CacheInvalidation cache, WaitlistEntry entry) =>
        cache.BookingsChangedAsync(entry.TenantId, [(entry.StartsAt, entry.StartsAt + Duration.FromMinutes(1))], CancellationToken.None);

    private static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: "No such waiting-list entry, or the token is not valid.");

    private static ProblemHttpResult Problem(int status, string detail, string? field = null) =>
        TypedResults.Problem(
            statusCode: status,
            detail: detail,
            extensions: field is null ? null : new Dictionary<string, object?> { ["field"] = field });
}
