using System.Diagnostics.Metrics;
using System.Net;
using BookingAws.Api.Tests.Bookings;
using BookingAws.Shared.Caching;
using BookingAws.Shared.Hosting;
using Microsoft.AspNetCore.Hosting;

namespace BookingAws.Api.Tests.Availability;

/// <summary>Counts cache lookups process-wide, so it runs alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReadCacheCountingCollection
{
    public const string Name = "read-cache-counting";
}

/// <summary>Invalidations are not repeated here: a repeat of the scenario's own edits would drop the entry mid-test.</summary>
public sealed class ApiWithoutRepeats : ApiWithLongCache
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Cache:ReapplyAfter:0", "00:00:00");
    }
}

[Collection(ReadCacheCountingCollection.Name)]
public sealed class ReadCacheStampedeTests(ApiWithoutRepeats api) : IClassFixture<ApiWithoutRepeats>
{
    [Fact]
    public async Task Many_visitors_missing_one_month_at_once_compute_it_once()
    {
        var s = await BookingScenario.CreateAsync(api, quantity: 3, priceMinor: 0);
        var from = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
        var url = s.Tenant.Url($"/packages/{s.PackageId}/availability?from={from:yyyy-MM-dd}&to={from.AddDays(30):yyyy-MM-dd}");
        var client = api.CreateClient();
        // The tenant entry, so only availability is missed below; and the package on the replica.
        await ReadCacheTests.FirstSeatsAsync(client, s, BookingScenario.SlotOnDay(40, 9));

        var counts = new Dictionary<string, int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Telemetry.SourceName && instrument.Name == ReadCache.LookupsMetric)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var (cache, result) = ("", "");
            foreach (var tag in tags)
            {
                cache = tag.Key == "cache" ? (string)tag.Value! : cache;
                result = tag.Key == "result" ? (string)tag.Value! : result;
            }

            lock (counts)
            {
                counts[$"{cache}:{result}"] = counts.GetValueOrDefault($"{cache}:{result}") + (int)value;
            }
        });
        listener.Start();

        var answers = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => client.GetAsync(url)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Single(answers.Select(a => a.Headers.ETag!.Tag).Distinct());
        Assert.Equal(1, counts.GetValueOrDefault("availability:miss"));
        Assert.Equal(31, counts.GetValueOrDefault("availability:hit"));
    }
}
