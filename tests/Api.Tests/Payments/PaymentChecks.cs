using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text.Json;
using BookingAws.Api.Features.Bookings;
using BookingAws.Api.Infrastructure;
using BookingAws.Api.Tests.Infrastructure;
using Npgsql;

namespace BookingAws.Api.Tests.Payments;

/// <summary>What on-call and the customer would look at after a money event: anomalies, the counter, webhook answers, refunds shown.</summary>
public static class PaymentChecks
{
    /// <summary>Kinds of the anomalies recorded for a PaymentIntent, oldest first.</summary>
    public static async Task<List<string>> AnomaliesAsync(this PaymentsFixture fixture, string paymentIntentId)
    {
        var db = PlatformDatabase.OwnerSource;
        await using var cmd = db.CreateCommand("SELECT kind FROM payment_anomalies WHERE payment_intent_id = $1 ORDER BY occurred_at, id");
        cmd.Parameters.Add(new NpgsqlParameter { Value = paymentIntentId });
        var kinds = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            kinds.Add(reader.GetString(0));
        }

        return kinds;
    }

    /// <summary>Waits until an anomaly of this kind is recorded for the PaymentIntent.</summary>
    public static async Task<List<string>> AnomalyEventuallyAsync(this PaymentsFixture fixture, string paymentIntentId, string kind)
    {
        var kinds = await Eventually.Until(() => fixture.AnomaliesAsync(paymentIntentId), k => k.Contains(kind));
        Assert.Contains(kind, kinds);
        return kinds;
    }

    /// <summary>The status codes the API answered to the emulator's webhook deliveries for these events.</summary>
    public static async Task<List<int>> WebhookAnswersAsync(this PaymentsFixture fixture, IEnumerable<string> eventIds)
    {
        var ids = eventIds.ToHashSet();
        var attempts = (await fixture.Emulator.GetFromJsonAsync<List<JsonElement>>("/test/webhooks"))!;
        return attempts.Where(a => ids.Contains(a.GetProperty("eventId").GetString()!))
            .Select(a => a.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : 0).ToList();
    }

    /// <summary>The booking once the replica shows at least <paramref name="count"/> refunds on it, as its viewer sees it.</summary>
    public static async Task<BookingDto> WithRefundsAsync(HttpClient viewer, Guid bookingId, int count = 1)
    {
        var booking = await Eventually.Until(
            async () =>
            {
                using var response = await viewer.GetAsync(new Uri($"/api/v1/bookings/{bookingId}", UriKind.Relative));
                return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<BookingDto>(ApiFactory.Json) : null;
            },
            b => b?.Refunds?.Count >= count);
        Assert.NotNull(booking?.Refunds);
        Assert.True(booking.Refunds.Count >= count, $"Expected {count} refund(s) on booking {bookingId}");
        return booking;
    }

    /// <summary>The business's list of bookings (dashboard API), first page.</summary>
    public static async Task<PagedResult<BookingDto>> DashboardListAsync(this PaymentScenario s) =>
        await (await s.Owner.GetAsync(new Uri($"/api/v1/tenants/{s.Slug}/bookings?pageSize=100", UriKind.Relative))).ReadAsync<PagedResult<BookingDto>>();
}

/// <summary>
/// Listens to <c>bookingaws.payments.anomalies</c> for the life of a test. The meter is process-wide, so
/// other tests' anomalies may show up too: assert that a kind was counted, not how many in total.
/// </summary>
public sealed class AnomalyCounter : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<string> kinds = new();

    public AnomalyCounter()
    {
        this.listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "bookingaws.payments.anomalies")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        this.listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "kind" && tag.Value is string kind)
                {
                    for (var i = 0; i < value; i++)
                    {
                        this.kinds.Enqueue(kind);
                    }
                }
            }
        });
        this.listener.Start();
    }

    public int Count(string kind) => this.kinds.Count(k => k == kind);

    public void Dispose() => this.listener.Dispose();
}
