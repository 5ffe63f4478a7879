using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingAws.Api.Features.ApiKeys;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Infrastructure;
using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Messaging;

namespace BookingAws.Api.Tests.Bookings;

/// <summary>
/// Staff mark on the day whether a customer came (<c>POST /bookings/{id}/attendance</c>). Bookings are made two days
/// ahead and then moved to where the test needs them relative to now, as the clock would have brought them.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BookingAttendanceTests(ApiFactory api)
{
    [Fact]
    public async Task Staff_check_a_customer_in_the_list_shows_it_and_a_second_click_or_an_undo_does_what_it_says()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 3, priceMinor: 0);
        var staff = await api.AddUserAsync(s.Tenant, Roles.Staff);
        var booking = await ConfirmedAsync(s);
        var start = await MoveAsync(booking.Id, TimeSpan.FromMinutes(40));

        var checkedIn = await (await MarkAsync(staff, booking.Id, BookingAttendance.CheckedIn)).ReadAsync<BookingDto>();
        var again = await (await MarkAsync(staff, booking.Id, BookingAttendance.CheckedIn)).ReadAsync<BookingDto>();

        Assert.Equal(BookingAttendance.CheckedIn, checkedIn.Attendance);
        Assert.InRange(checkedIn.AttendanceMarkedAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(start.AddHours(-1), checkedIn.CheckInFrom);
        Assert.Equal(new DateTimeOffset(start.UtcDateTime.Date.AddDays(1), TimeSpan.Zero), checkedIn.AttendanceUntil);
        Assert.Equal((BookingAttendance.CheckedIn, checkedIn.AttendanceMarkedAt), (again.Attendance, again.AttendanceMarkedAt));

        // The dashboard's list reads the replica; staff read their own write.
        var day = start.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var listed = await (await staff.GetAsync(s.Tenant.Url($"/bookings?from={day}&to={day}"))).ReadAsync<PagedResult<BookingDto>>();
        Assert.Equal(BookingAttendance.CheckedIn, Assert.Single(listed.Items, b => b.Id == booking.Id).Attendance);

        var undone = await (await MarkAsync(staff, booking.Id, BookingAttendance.Expected)).ReadAsync<BookingDto>();
        Assert.Equal(BookingAttendance.Expected, undone.Attendance);

        // One event per change: the repeated check-in published nothing.
        var events = await AttendanceEventsAsync(s.Tenant.Id);
        Assert.Equal(
            [(BookingAttendance.CheckedIn, BookingAttendance.Expected), (BookingAttendance.Expected, BookingAttendance.CheckedIn)],
            events.Select(e => (e.Attendance, e.PreviousAttendance)));
        Assert.All(events, e => Assert.Equal((booking.Id, BookingStatus.Confirmed), (e.BookingId, e.Booking.Status)));
        Assert.All(events, e => Assert.NotNull(e.MarkedBy));
        Assert.NotEqual(s.Tenant.OwnerId, events[0].MarkedBy);
    }

    [Fact]
    public async Task Check_in_opens_an_hour_before_the_start_and_a_no_show_once_it_has_started_and_refusals_say_why()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 3, priceMinor: 0);
        var owner = s.Tenant.Owner;
        var booking = await ConfirmedAsync(s);

        var tooEarly = await (await MarkAsync(owner, booking.Id, BookingAttendance.CheckedIn)).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal("too-early", tooEarly.GetProperty("reason").GetString());
        Assert.StartsWith("Check-in opens an hour before the start", tooEarly.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var start = await MoveAsync(booking.Id, TimeSpan.FromMinutes(30));
        var notStarted = await (await MarkAsync(owner, booking.Id, BookingAttendance.NoShow)).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Contains("only once the booking has started", notStarted.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(start, notStarted.GetProperty("at").GetDateTimeOffset());
        Assert.Equal(BookingAttendance.CheckedIn, (await (await MarkAsync(owner, booking.Id, BookingAttendance.CheckedIn)).ReadAsync<BookingDto>()).Attendance);

        // They did not come after all (checked in by mistake): once started, a no-show replaces the check-in.
        await MoveAsync(booking.Id, TimeSpan.FromMinutes(-10));
        var noShow = await (await MarkAsync(owner, booking.Id, BookingAttendance.NoShow)).ReadAsync<BookingDto>();

        Assert.Equal(BookingAttendance.NoShow, noShow.Attendance);
        var last = (await AttendanceEventsAsync(s.Tenant.Id))[^1];
        Assert.Equal((BookingAttendance.NoShow, BookingAttendance.CheckedIn, (Guid?)s.Tenant.OwnerId), (last.Attendance, last.PreviousAttendance, last.MarkedBy));
    }

    [Fact]
    public async Task Nothing_is_marked_once_the_bookings_day_is_over_or_on_a_booking_that_is_not_confirmed()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 3, priceMinor: 0);
        var owner = s.Tenant.Owner;
        var yesterday = await ConfirmedAsync(s);
        await MoveAsync(yesterday.Id, TimeSpan.FromHours(-26));
        var held = await (await s.HoldAsync(api.CreateClient(), s.Guest(BookingScenario.SlotOnDay(2, 11)))).ReadAsync<BookingDto>(HttpStatusCode.Created);

        var closed = await (await MarkAsync(owner, yesterday.Id, BookingAttendance.NoShow)).ShouldBeProblem(HttpStatusCode.Conflict);
        var notConfirmed = await (await MarkAsync(owner, held.Id, BookingAttendance.CheckedIn)).ShouldBeProblem(HttpStatusCode.Conflict);

        Assert.Equal("closed", closed.GetProperty("reason").GetString());
        Assert.Contains("until the end of the booking's day", closed.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("wrong-state", notConfirmed.GetProperty("reason").GetString());
        Assert.Equal("Only a confirmed booking can be marked; this one is held.", notConfirmed.GetProperty("detail").GetString());
        Assert.Null(held.CheckInFrom);
        Assert.Empty(await AttendanceEventsAsync(s.Tenant.Id));
    }

    [Fact]
    public async Task A_status_that_is_not_an_attendance_is_400_naming_status()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 3, priceMinor: 0);
        var booking = await ConfirmedAsync(s);

        await (await MarkAsync(s.Tenant.Owner, booking.Id, "arrived")).ShouldBeProblem(HttpStatusCode.BadRequest, "status");
        await (await s.Tenant.Owner.PostAsJsonAsync($"/api/v1/bookings/{booking.Id}/attendance", new { }, ApiFactory.Json)).ShouldBeProblem(HttpStatusCode.BadRequest, "status");
    }

    [Fact]
    public async Task Another_business_gets_404_nobody_401_and_the_customer_and_a_read_key_403_while_a_write_key_marks()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 3, priceMinor: 0);
        var other = await api.CreateTenantAsync();
        var customer = await api.AddUserAsync(s.Tenant, Roles.Customer);
        var own = await (await s.HoldAsync(customer, new HoldRequest(s.PackageId, BookingScenario.SlotOnDay(2, 10), 1, null))).ReadAsync<BookingDto>(HttpStatusCode.Created);
        Assert.Equal(BookingStatus.Confirmed, own.Status);
        await MoveAsync(own.Id, TimeSpan.FromMinutes(20));

        await (await MarkAsync(other.Owner, own.Id, BookingAttendance.CheckedIn)).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await MarkAsync(await KeyAsync(other, ApiKeyScopes.Write), own.Id, BookingAttendance.CheckedIn)).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await MarkAsync(api.CreateClient(), own.Id, BookingAttendance.CheckedIn)).ShouldBe(HttpStatusCode.Unauthorized);
        await (await MarkAsync(customer, own.Id, BookingAttendance.CheckedIn)).ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await MarkAsync(await KeyAsync(s.Tenant, ApiKeyScopes.Read), own.Id, BookingAttendance.CheckedIn)).ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await MarkAsync(s.Tenant.Owner, Guid.NewGuid(), BookingAttendance.CheckedIn)).ShouldBeProblem(HttpStatusCode.NotFound);
        Assert.Empty(await AttendanceEventsAsync(s.Tenant.Id));

        var byKey = await (await MarkAsync(await KeyAsync(s.Tenant, ApiKeyScopes.Write), own.Id, BookingAttendance.CheckedIn)).ReadAsync<BookingDto>();
        Assert.Equal(BookingAttendance.CheckedIn, byKey.Attendance);
    }

    [Fact]
    public async Task Businesses_can_subscribe_their_webhooks_to_attendance_and_the_openapi_document_lists_the_endpoint()
    {
        var tenant = await api.CreateTenantAsync();

        var created = await tenant.Owner.PostAsJsonAsync(
            tenant.Url("/webhooks"), new { url = "https://93.184.215.14/hooks", eventTypes = new[] { BookingAttendanceMarked.WireName } }, ApiFactory.Json);
        var doc = await (await api.CreateClient().GetAsync("/openapi/v1.json")).ReadAsync<JsonElement>();

        await created.ShouldBe(HttpStatusCode.Created);
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/v1/bookings/{id}/attendance", out var path), "attendance is not in the OpenAPI document");
        Assert.True(path.TryGetProperty("post", out _));
    }

    private static Task<HttpResponseMessage> MarkAsync(HttpClient client, Guid bookingId, string status) =>
        client.PostAsJsonAsync($"/api/v1/bookings/{bookingId}/attendance", new AttendanceRequest(status), ApiFactory.Json);

    private async Task<BookingDto> ConfirmedAsync(BookingScenario s) =>
        await GuestProof.BookAsync(api, s, api.CreateClient(), s.Guest(BookingScenario.SlotOnDay(2, 9)));

    /// <summary>Time passes: the booking now starts <paramref name="fromNow"/> from now (its length kept). Returns the new start.</summary>
    private static async Task<DateTimeOffset> MoveAsync(Guid bookingId, TimeSpan fromNow)
    {
        var start = DateTimeOffset.UtcNow + fromNow;
        start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerSecond));
        await using var cmd = PlatformDatabase.OwnerSource.CreateCommand(
            "UPDATE bookings SET ends_at = $2 + (ends_at - starts_at), starts_at = $2 WHERE id = $1");
        cmd.Parameters.AddWithValue(bookingId);
        cmd.Parameters.AddWithValue(NodaTime.Instant.FromDateTimeOffset(start));
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        return start;
    }

    private async Task<HttpClient> KeyAsync(TestTenant t, string scope)
    {
        var made = await (await t.Owner.PostAsJsonAsync(t.Url("/api-keys"), new ApiKeyRequest("attendance", scope), ApiFactory.Json)).ReadAsync<CreatedApiKey>(HttpStatusCode.Created);
        return api.ClientWithToken(made.Key);
    }

    private async Task<List<BookingAttendanceMarked>> AttendanceEventsAsync(Guid tenantId) =>
        (await Ledger.OutboxAsync(api.Services, tenantId))
            .Where(m => m.Type == BookingAttendanceMarked.WireName)
            .Select(m => JsonSerializer.Deserialize<BookingAttendanceMarked>(m.Payload, Outbox.Json)!)
            .ToList();
}
