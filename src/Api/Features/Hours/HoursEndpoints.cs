using System.ComponentModel.DataAnnotations;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Utility;

namespace BookingAws.Api.Features.Hours;

/// <summary>One open interval in the tenant's local time; <c>Closes</c> must be after <c>Opens</c>.</summary>
public sealed record OpeningIntervalDto(DayOfWeek Day, TimeOnly Opens, TimeOnly Closes);

public sealed record WeeklyHoursRequest([Required] List<OpeningIntervalDto> Intervals);

public sealed record ClosureRequest(DateOnly StartDate, DateOnly EndDate, [StringLength(500)] string? Reason);

public sealed record ClosureDto(Guid Id, DateOnly StartDate, DateOnly EndDate, string? Reason);

public static class HoursEndpoints
{
    public static void MapHoursEndpoints(this RouteGroupBuilder dashboard)
    {
        var hours = dashboard.MapGroup("/hours").WithTags("Hours");
        hours.MapGet("/", GetHours).WithName("GetWeeklyHours");
        hours.MapPut("/", SetHours).WithName("SetWeeklyHours");

        var closures = dashboard.MapGroup("/closures").WithTags("Hours");
        closures.MapGet("/", ListClosures).WithName("ListClosures");
        closures.MapPost("/", AddClosure).WithName("AddClosure");
        closures.MapDelete("/{id:guid}", RemoveClosure).WithName("RemoveClosure");
    }

    public static async Task<Ok<List<OpeningIntervalDto>>> GetHours(ReadSession reads, CancellationToken ct)
    {
        var db = await reads.ReaderAsync(ct);
        var rows = await db.OpeningHours.OrderBy(h => h.Day).ThenBy(h => h.Opens).ToListAsync(ct);
        return TypedResults.Ok(rows.ConvertAll(ToDto));
    }

    /// <summary>Replaces the whole week at once, so the schedule is never half-updated.</summary>
    public static async Task<Ok<List<OpeningIntervalDto>>> SetHours(
        WeeklyHoursRequest request, TenantContext scope, BookingDbContext db, ReadSession reads, CancellationToken ct)
    {
        foreach (var (interval, n) in request.Intervals.Select((i, n) => (i, n)).Where(x => !Enum.IsDefined(x.i.Day)))
        {
            throw DomainException.Invalid($"intervals[{n}].day", "Use a day name such as Monday.");
        }

        var intervals = request.Intervals
            .Select((i, n) => (Index: n, Day: BclConversions.ToIsoDayOfWeek(i.Day), Opens: LocalTime.FromTimeOnly(i.Opens), Closes: LocalTime.FromTimeOnly(i.Closes)))
            .ToList();
        foreach (var i in intervals.Where(i => i.Opens >= i.Closes))
        {
            throw DomainException.Invalid($"intervals[{i.Index}].closes", "Closing time must be after opening time.");
        }

        foreach (var day in intervals.GroupBy(i => i.Day))
        {
            var ordered = day.OrderBy(i => i.Opens).ToList();
            for (var n = 1; n < ordered.Count; n++)
            {
                if (ordered[n].Opens < ordered[n - 1].Closes)
                {
                    throw DomainException.Invalid($"intervals[{ordered[n].Index}].opens", $"Overlaps another interval on {day.Key}.");
                }
            }
        }

        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.OpeningHours.ExecuteDeleteAsync(ct);
            db.OpeningHours.AddRange(intervals.Select(i => new OpeningHours { TenantId = scope.Tenant.Id, Day = i.Day, Opens = i.Opens, Closes = i.Closes }));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        await reads.RecordWriteAsync(ct);
        var saved = await db.OpeningHours.AsNoTracking().OrderBy(h => h.Day).ThenBy(h => h.Opens).ToListAsync(ct);
        return TypedResults.Ok(saved.ConvertAll(ToDto));
    }

    public static async Task<Ok<List<ClosureDto>>> ListClosures(ReadSession reads, DateOnly? from = null, CancellationToken ct = default)
    {
        var db = await reads.ReaderAsync(ct);
        var since = from is { } f ? LocalDate.FromDateOnly(f) : LocalDate.MinIsoValue;
        var rows = await db.Closures.Where(c => c.EndDate >= since).OrderBy(c => c.StartDate).ToListAsync(ct);
        return TypedResults.Ok(rows.ConvertAll(ToDto));
    }

    public static async Task<Created<ClosureDto>> AddClosure(
        ClosureRequest request, TenantContext scope, BookingDbContext db, ReadSession reads, IClock clock, CancellationToken ct)
    {
        if (request.EndDate < request.StartDate)
        {
            throw DomainException.Invalid("endDate", "The end date must not be before the start date.");
        }

        var closure = new Closure
        {
            TenantId = scope.Tenant.Id,
            StartDate = LocalDate.FromDateOnly(request.StartDate),
            EndDate = LocalDate.FromDateOnly(request.EndDate),
            Reason = request.Reason?.Trim(),
            CreatedAt = clock.GetCurrentInstant(),
        };
        db.Closures.Add(closure);
        await db.SaveChangesAsync(ct);
        await reads.RecordWriteAsync(ct);
        return TypedResults.Created($"/api/v1/tenants/{scope.Tenant.Slug}/closures/{closure.Id}", ToDto(closure));
    }

    public static async Task<Results<NoContent, NotFound>> RemoveClosure(Guid id, BookingDbContext db, ReadSession reads, CancellationToken ct)
    {
        var removed = await db.Closures.Where(c => c.Id == id).ExecuteDeleteAsync(ct);
        if (removed == 0)
        {
            return TypedResults.NotFound();
        }

        await reads.RecordWriteAsync(ct);
        return TypedResults.NoContent();
    }

    private static OpeningIntervalDto ToDto(OpeningHours h) =>
        new(BclConversions.ToDayOfWeek(h.Day), h.Opens.ToTimeOnly(), h.Closes.ToTimeOnly());

    private static ClosureDto ToDto(Closure c) => new(c.Id, c.StartDate.ToDateOnly(), c.EndDate.ToDateOnly(), c.Reason);
}
