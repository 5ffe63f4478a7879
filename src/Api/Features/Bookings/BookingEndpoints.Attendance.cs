using System.Globalization;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Application.Bookings;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Staff;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Api.Features.Bookings;

/// <summary>The day of the booking: staff mark whether the customer came.</summary>
public static partial class BookingEndpoints
{
    /// <summary>
    /// Marks a confirmed booking checked in, a no-show, or expected again (an undo). The business's owner and staff (and
    /// its write keys) only; the booking's customer is refused (403), anyone else does not see the booking (404). A
    /// mark the model refuses at this time is 409 with the reason and, where one applies, the instant it opens or closed.
    /// </summary>
    public static async Task<Results<Ok<BookingDto>, ProblemHttpResult>> MarkAttendance(
        Guid id,
        AttendanceRequest? request,
        Caller caller,
        BookingDbContext db,
        MarkBookingAttendance mark,
        ReadSession reads,
        IClock clock,
        CancellationToken ct)
    {
        if (request?.Status is not { } status || !BookingAttendance.IsKnown(status))
        {
            throw DomainException.Invalid(
                "status", $"Use {BookingAttendance.CheckedIn}, {BookingAttendance.NoShow} or {BookingAttendance.Expected} (to undo a mark).");
        }

        var (tenantId, actor) = await AuthorizeChangeAsync(caller, db, id, ct);
        if (actor is null)
        {
            return await caller.MembershipAsync(tenantId, ct) is { Role: ApiKeyScopes.ReadOnlyRole }
                ? Problem(StatusCodes.Status403Forbidden, "A read-only key cannot mark attendance.")
                : Problem(StatusCodes.Status404NotFound, "No such booking.");
        }

        var member = actor == Actor.Business ? await caller.MembershipAsync(tenantId, ct) : null;
        var outcome = await mark.RunAsync(tenantId, id, status, actor.Value, member?.StaffUserId, ct);
        if (outcome is AttendanceOutcome.NotFound)
        {
            return Problem(StatusCodes.Status404NotFound, "No such booking.");
        }

        var tenant = await db.Tenants.Where(t => t.Id == tenantId).Select(t => new { t.TimeZone, t.Policy }).SingleAsync(ct);
        if (outcome is AttendanceOutcome.Done done)
        {
            await reads.RecordWriteAsync(ct);
            return TypedResults.Ok(BookingDto.From(done.Booking, tenant.TimeZone, tenant.Policy, clock.GetCurrentInstant()));
        }

        var refusal = ((AttendanceOutcome.Refused)outcome).Refusal;
        var zone = DateTimeZoneProviders.Tzdb[tenant.TimeZone];
        string Local(Instant at) => at.InZone(zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + zone.Id;
        return refusal switch
        {
            BookingRefusal.BusinessOnly => Problem(StatusCodes.Status403Forbidden, "Only the business's staff mark whether a customer came."),
            BookingRefusal.WrongState wrong => AttendanceConflict(
                "wrong-state", $"Only a confirmed booking can be marked; this one is {wrong.Status}.", null),
            BookingRefusal.AttendanceNotYet { Attendance: BookingAttendance.CheckedIn } early => AttendanceConflict(
                "too-early", $"Check-in opens an hour before the start, at {Local(early.From)}.", early.From),
            BookingRefusal.AttendanceNotYet early => AttendanceConflict(
                "too-early", $"A no-show can be marked only once the booking has started, at {Local(early.From)}.", early.From),
            BookingRefusal.AttendanceClosed closed => AttendanceConflict(
                "closed", $"Attendance can be marked until the end of the booking's day ({Local(closed.Until)}), which has passed.", closed.Until),
            _ => throw new InvalidOperationException($"Unhandled refusal {refusal}."),
        };
    }

    /// <summary>409 with a stable <c>reason</c> code for clients and the instant the rule turns on (<c>at</c>), where one applies.</summary>
    private static ProblemHttpResult AttendanceConflict(string reason, string detail, Instant? at) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            detail: detail,
            extensions: new Dictionary<string, object?> { ["reason"] = reason, ["at"] = at?.ToDateTimeOffset() });
}
