// Exists only to measure the design the product replaced: the booking request itself sends the confirmation
// email and answers only after SES did. bench/async-email.sh compares its latency with the API's, where the
// workers send the email from the outbox. Not a product component; keep it no bigger than the comparison needs.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BookingAws.Shared.Application.Bookings;
using BookingAws.Shared.Data;
using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Workers.Email;
using NodaTime;

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddBookingData(builder.Configuration);
builder.Services.AddSingleton<IClock>(SystemClock.Instance);
// Only the hold: AddBookingCore() would also require Stripe settings this comparison does not use.
builder.Services.AddSingleton<BookingCatalogCache>();
builder.Services.AddSingleton<HoldTransaction>();
builder.Services.AddSingleton<HoldBooking>();
builder.Services.AddSesEmail();

var app = builder.Build();
app.MapPost("/tenants/{slug}/bookings", async (string slug, HoldRequest request, HttpContext http, HoldBooking hold, IEmailSender email, CancellationToken ct) =>
{
    var body = JsonSerializer.Serialize(request);
    var command = new HoldCommand(
        slug,
        request.PackageId,
        Instant.FromDateTimeOffset(request.StartsAt),
        request.Seats,
        new BookingCustomer(null, request.Customer.Name, request.Customer.Email),
        http.Request.Headers["Idempotency-Key"].ToString(),
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))));
    var outcome = await hold.RunAsync(command, (b, _) => JsonSerializer.Serialize(new { id = b.Id, status = b.Status, startsAt = b.StartsAt.ToDateTimeOffset() }), ct);
    if (outcome is HoldOutcome.Replayed replayed)
    {
        return Results.Content(replayed.ResponseBody, "application/json", Encoding.UTF8, replayed.StatusCode);
    }

    if (outcome is not HoldOutcome.Created created)
    {
        return Results.Problem($"Not booked: {outcome.GetType().Name}", statusCode: StatusCodes.Status409Conflict);
    }

    // The old design: the customer waits for the provider.
    await email.SendAsync(
        new EmailMessage
        {
            To = [request.Customer.Email],
            Subject = "Your booking is confirmed",
            TextBody = $"Booking {created.Booking.Id} on {created.Booking.StartsAt} is confirmed.",
        },
        ct);
    return Results.Content(created.ResponseBody, "application/json", Encoding.UTF8, StatusCodes.Status201Created);
});
await app.RunAsync();

internal sealed record Guest(string Name, string Email);

internal sealed record HoldRequest(Guid PackageId, DateTimeOffset StartsAt, int Seats, Guest Customer);
