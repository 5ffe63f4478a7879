using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BookingAws.Api.Features.Payments;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Application.Bookings;
using BookingAws.Shared.Application.Payments;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Api.Features.Bookings;

public static partial class BookingEndpoints
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static void MapBookingEndpoints(this RouteGroupBuilder api, RouteGroupBuilder dashboard)
    {
        // The hold skips the tenant filter on purpose: the hold transaction resolves the slug in the same
        // round trip as everything else it needs, which keeps the hottest endpoint cheap.
        api.MapPost("/tenants/{slug}/bookings", Hold).WithName("HoldBooking").WithTags("Bookings").AllowAnonymous();

        var bookings = api.MapGroup("/bookings").WithTags("Bookings").RequireAuthorization();
        bookings.MapGet("/{id:guid}", Get).WithName("GetBooking");
        bookings.MapPost("/{id:guid}/cancel", Cancel).WithName("CancelBooking");
        bookings.MapPost("/{id:guid}/reschedule", Reschedule).WithName("RescheduleBooking");
        bookings.MapPost("/{id:guid}/refund", Refund).WithName("RefundBooking");
        bookings.MapPost("/{id:guid}/attendance", MarkAttendance).WithName("MarkBookingAttendance");
        api.MapGet("/me/bookings", Mine).WithName("ListMyBookings").WithTags("Bookings").RequireAuthorization(Policies.Customer)
            .AddEndpointFilter(new SystemScopeFilter("a signed-in person's own bookings, across businesses"));
        bookings.AddEndpointFilter<BookingScopeFilter>();

        // Anonymous like paying: the booking id from the hold's answer and the code from the email together are the proof.
        api.MapPost("/bookings/{id:guid}/email-proof", ProveEmail).WithName("ProveBookingEmail").WithTags("Bookings").AllowAnonymous()
            .AddEndpointFilter<BookingScopeFilter>();

        dashboard.MapGet("/bookings", ListForBusiness).WithName("ListBookings").WithTags("Bookings");
        dashboard.MapPost("/bookings/{id:guid}/confirm", ConfirmInPerson).WithName("ConfirmBookingInPerson").WithTags("Bookings");
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> Hold(
        string slug,
        HoldRequest request,
        HttpContext http,
        HoldBooking hold,
        ReadSession reads,
        PaymentService payments,
        Caller caller,
        ILogger<HoldRequest> logger,
        CancellationToken ct)
    {
        var key = http.Request.Headers[IdempotencyHeader].ToString();
        if (string.IsNullOrWhiteSpace(key) || key.Length > 255)
        {
            throw DomainException.Invalid(IdempotencyHeader, "Send an Idempotency-Key header (1-255 characters) so a retried request cannot book twice.");
        }

        DomainException.EnsureSaneDate(DateOnly.FromDateTime(request.StartsAt.UtcDateTime), "startsAt");
        var user = CurrentUser.From(http.User);
        var person = user is null ? null : await caller.PersonAsync(ct);
        var (customer, ownAddress) = CustomerFor(request.Customer, person);

        // The person proved this email to the user pool, so the business's customer of that email is them.
        var linkPerson = ownAddress ? person!.Id : (Guid?)null;
        var command = new HoldCommand(
            slug, request.PackageId, Instant.FromDateTimeOffset(request.StartsAt), request.Seats, customer, key, Hash(request, user), linkPerson);
        var outcome = await hold.RunAsync(
            command, (b, t) => JsonSerializer.Serialize(BookingDto.From(b, t.TimeZone, t.Policy, b.CreatedAt), ApiJson.Options), ct);
        switch (outcome)
        {
            case HoldOutcome.Created created:
                http.Response.Headers.Location = $"/api/v1/bookings/{created.Booking.Id}";
                await reads.RecordWriteAsync(ct);
                // Stripe is called only now, after the hold committed: no lock is held across the network.
                // A guest's hold is paid only after the emailed code (the proof's answer carries the payment).
                var body = created.Booking.Status == BookingStatus.Held && !created.Booking.AwaitsEmailProof
                    ? await PaymentEndpoints.WithPaymentAsync(created.ResponseBody, payments, logger, ct)
                    : created.ResponseBody;
                return TypedResults.Content(body, "application/json", Encoding.UTF8, StatusCodes.Status201Created);
            case HoldOutcome.Replayed replayed:
                http.Response.Headers["Idempotent-Replayed"] = "true";
                var replayedBody = replayed.StatusCode == StatusCodes.Status201Created
                    ? await PaymentEndpoints.WithPaymentAsync(replayed.ResponseBody, payments, logger, ct)
                    : replayed.ResponseBody;
                return TypedResults.Content(replayedBody, "application/json", Encoding.UTF8, replayed.StatusCode);
            case HoldOutcome.KeyReusedWithDifferentRequest:
                return Problem(StatusCodes.Status422UnprocessableEntity, "This Idempotency-Key was used with a different request.", IdempotencyHeader);
            case HoldOutcome.TenantNotFound:
                return Problem(StatusCodes.Status404NotFound, $"No business '{slug}'.");
            case HoldOutcome.PackageNotFound:
                return Problem(StatusCodes.Status404NotFound, "No such package.", "packageId");
            case HoldOutcome.CustomerNotFound:
                return Problem(StatusCodes.Status404NotFound, "The signed-in customer is not a customer of this business.");
            case HoldOutcome.SeatsOutOfRange range:
                throw DomainException.Invalid("seats", $"Book between 1 and {range.MaxSeats} seats.");
            case HoldOutcome.SlotNotOffered:
                return Problem(StatusCodes.Status422UnprocessableEntity, "That start time is not offered for this package.", "startsAt");
            case HoldOutcome.NoCapacity:
                return Problem(StatusCodes.Status409Conflict, "Not enough left at that time for this many seats.");
            case HoldOutcome.WaitlistAhead:
                return Problem(StatusCodes.Status409Conflict, "Others are on the waiting list for this time: join it to be offered a place.", "startsAt");
            case HoldOutcome.TooManyActiveHolds cap:
                return Problem(StatusCodes.Status429TooManyRequests, $"This email already has {cap.Max} bookings waiting for payment here; pay or let one lapse first.", "customer.email");
            default:
                throw new InvalidOperationException($"Unhandled outcome {outcome}.");
        }
    }

    /// <summary>
    /// Who books (or waits): the guest as given, else the signed-in person as themselves (the business's customer with
    /// their verified email); and whether the address is that person's own, proven to the user pool.
    /// </summary>
    internal static (BookingCustomer Customer, bool OwnAddress) CustomerFor(GuestDetails? guest, Shared.Identity.Person? person)
    {
        BookingCustomer customer;
        if (guest is not null)
        {
            customer = new BookingCustomer(null, guest.Name, guest.Email);
        }
        else if (person is { Email.Length: > 0 })
        {
            customer = new BookingCustomer(null, person.Email, person.Email);
        }
        else
        {
            throw DomainException.Invalid("customer", "Sign in or give the customer's name and email.");
        }

        return (customer, person is { Email.Length: > 0 } && string.Equals(customer.Email?.Trim(), person.Email, StringComparison.OrdinalIgnoreCase));
    }

    public static async Task<Results<Ok<BookingDto>, NotFound>> Get(Guid id, Caller caller, ReadSession reads, IClock clock, CancellationToken ct)
    {
        var db = await reads.ReaderAsync(ct);
        var found = await FindForAsync(db, caller, id, clock.GetCurrentInstant(), ct);
        return found is null ? TypedResults.NotFound() : TypedResults.Ok((await BookingRefundViews.WithRefundsAsync(db, [found], ct))[0]);
    }

    /// <summary>
    /// The signed-in person's bookings as a customer, at every business they booked with, or at the one named by
    /// <paramref name="business"/> (its slug; a business they never booked with gives an empty page). Each names its
    /// business and package, so a page can show them without another lookup (an archived package included).
    /// </summary>
    public static async Task<Ok<PagedResult<BookingDto>>> Mine(
        Caller caller, ReadSession reads, IClock clock, string? business = null, int page = 1, int pageSize = 20, CancellationToken ct = default)
    {
        Paging.Check(page, pageSize);
        var person = await caller.PersonAsync(ct);
        if (person is null)
        {
            return TypedResults.Ok(new PagedResult<BookingDto>([], page, pageSize, 0));
        }

        var db = await reads.ReaderAsync(ct);
        // A guest's booking made with this person's address joins their history only once the address is proven.
        var query = db.Bookings.IgnoreQueryFilters()
            .Where(b => db.Customers.IgnoreQueryFilters().Any(c => c.Id == b.CustomerId && c.PersonId == person.Id))
            .Where(b => b.EmailProof == null || b.EmailProof != EmailProofState.Pending);
        if (!string.IsNullOrWhiteSpace(business))
        {
            query = query.Where(b => db.Tenants.Any(t => t.Id == b.TenantId && t.Slug == business));
        }

        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(b => b.StartsAt).Skip((page - 1) * pageSize).Take(pageSize)
            .Join(db.Tenants, b => b.TenantId, t => t.Id, (b, t) => new
            {
                Booking = b,
                t.TimeZone,
                t.Policy,
                t.Slug,
                t.Name,
                PackageName = db.Packages.IgnoreQueryFilters().Where(p => p.Id == b.PackageId).Select(p => p.Name).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var now = clock.GetCurrentInstant();
        var items = await BookingRefundViews.WithRefundsAsync(
            db,
            rows.ConvertAll(r => BookingDto.From(r.Booking, r.TimeZone, r.Policy, now) with { Business = new BookingBusinessDto(r.Slug, r.Name), PackageName = r.PackageName }),
            ct);
        return TypedResults.Ok(new PagedResult<BookingDto>(items, page, pageSize, total));
    }

    /// <summary>The business's bookings by local date range, status and package, newest start last.</summary>
    public static async Task<Ok<PagedResult<BookingDto>>> ListForBusiness(
        TenantContext scope,
        ReadSession reads,
        IClock clock,
        DateOnly? from = null,
        DateOnly? to = null,
        string? status = null,
        Guid? packageId = null,
        int page = 1,
        int pageSize = 50,
        CancellationToken ct = default)
    {
        Paging.Check(page, pageSize);
        var tenant = scope.Tenant;
        var zone = DateTimeZoneProviders.Tzdb[tenant.TimeZone];
        var db = await reads.ReaderAsync(ct);
        var query = db.Bookings.AsQueryable();
        if (from is { } f)
        {
            DomainException.EnsureSaneDate(f, "from");
            var start = LocalDate.FromDateOnly(f).AtStartOfDayInZone(zone).ToInstant();
            query = query.Where(b => b.StartsAt >= start);
        }

        if (to is { } t)
        {
            DomainException.EnsureSaneDate(t, "to");
            var end = LocalDate.FromDateOnly(t).PlusDays(1).AtStartOfDayInZone(zone).ToInstant();
            query = query.Where(b => b.StartsAt < end);
        }

        if (status is not null)
        {
            if (status is not (BookingStatus.Held or BookingStatus.Confirmed or BookingStatus.Completed or BookingStatus.Cancelled or BookingStatus.Expired))
            {
                throw DomainException.Invalid("status", "Use held, confirmed, completed, cancelled or expired.");
            }

            query = query.Where(b => b.Status == status);
        }

        if (packageId is { } p)
        {
            query = query.Where(b => b.PackageId == p);
        }

        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(b => b.StartsAt).ThenBy(b => b.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var now = clock.GetCurrentInstant();
        var dtos = await BookingRefundViews.WithRefundsAsync(db, items.ConvertAll(b => BookingDto.From(b, tenant.TimeZone, tenant.Policy, now)), ct);
        return TypedResults.Ok(new PagedResult<BookingDto>(dtos, page, pageSize, total));
    }

    private static async Task<BookingDto?> FindForAsync(BookingDataContext db, Caller caller, Guid id, Instant now, CancellationToken ct)
    {
        var row = await db.Bookings.IgnoreQueryFilters().Where(b => b.Id == id)
            .Join(db.Tenants, b => b.TenantId, t => t.Id, (b, t) => new
            {
                Booking = b,
                t.TimeZone,
                t.Policy,
                db.Customers.IgnoreQueryFilters().First(c => c.Id == b.CustomerId).PersonId,
            })
            .FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        var mine = row.PersonId is { } personId && !row.Booking.AwaitsEmailProof && (await caller.PersonAsync(ct))?.Id == personId;
        return mine || await caller.MembershipAsync(row.Booking.TenantId, ct) is not null ? BookingDto.From(row.Booking, row.TimeZone, row.Policy, now) : null;
    }

    /// <summary>
    /// A guest enters the code emailed to them. The answer is the booking, as the hold's was: confirmed for a free
    /// package, or held with its <c>payment</c> to complete for a paid one.
    /// </summary>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> ProveEmail(
        Guid id,
        EmailProofRequest request,
        ProveGuestEmail prove,
        ReadSession reads,
        PaymentService payments,
        BookingDbContext db,
        IClock clock,
        ILogger<EmailProofRequest> logger,
        CancellationToken ct)
    {
        switch (await prove.RunAsync(id, request.Code, ct))
        {
            case EmailProofOutcome.Proven proven:
                await reads.RecordWriteAsync(ct);
                var tenant = await db.Tenants.Where(t => t.Id == proven.Booking.TenantId).Select(t => new { t.TimeZone, t.Policy }).SingleAsync(ct);
                var json = JsonSerializer.Serialize(BookingDto.From(proven.Booking, tenant.TimeZone, tenant.Policy, clock.GetCurrentInstant()), ApiJson.Options);
                var body = proven.Booking.Status == BookingStatus.Held ? await PaymentEndpoints.WithPaymentAsync(json, payments, logger, ct) : json;
                return TypedResults.Content(body, "application/json", Encoding.UTF8, StatusCodes.Status200OK);
            case EmailProofOutcome.WrongCode wrong:
                return Problem(
                    StatusCodes.Status422UnprocessableEntity,
                    wrong.TriesLeft > 0 ? $"That is not the code we emailed; {wrong.TriesLeft} more tries." : "That is not the code we emailed.",
                    "code");
            case EmailProofOutcome.TooManyWrongCodes:
                return Problem(StatusCodes.Status422UnprocessableEntity, "Too many wrong codes: the time was released. Book again to get a new code.", "code");
            case EmailProofOutcome.WrongState state:
                return Problem(StatusCodes.Status409Conflict, $"The booking is {state.Status}; book again to get a new code.");
            default:
                return Problem(StatusCodes.Status404NotFound, "No such booking.");
        }
    }

    private static ProblemHttpResult Problem(int status, string detail, string? field = null) =>
        TypedResults.Problem(
            statusCode: status,
            detail: detail,
            extensions: field is null ? null : new Dictionary<string, object?> { ["field"] = field });

    /// <summary>What makes two hold requests "the same": the body as sent and who sent it.</summary>
    private static string Hash(HoldRequest request, CurrentUser? user)
    {
        var canonical = JsonSerializer.Serialize(new { request, user = user?.Id }, ApiJson.Options);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
