using BookingAws.Shared.Data.Waitlists;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BookingAws.Shared.Application.Bookings;

public sealed class BookingSweepOptions
{
    public const string Section = "BookingSweep";

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    public int BatchSize { get; set; } = 500;
}

/// <summary>
/// Expires lapsed holds (freeing their inventory) and completes ended bookings on a timer. Several
/// workers may run it at once: each batch is claimed with SKIP LOCKED. A failing database only delays
/// the next round; the loop never stops the host.
/// </summary>
public sealed class BookingSweepService(
    ExpireHolds expireHolds, CompleteBookings completeBookings, WaitlistStore waitlists, IOptions<BookingSweepOptions> options, TimeProvider time, ILogger<BookingSweepService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                var expired = await DrainAsync(expireHolds.RunAsync, stoppingToken);
                var completed = await DrainAsync(completeBookings.RunAsync, stoppingToken);
                if (expired + completed > 0)
                {
                    logger.LogInformation("Booking sweep expired {Expired} holds and completed {Completed} bookings", expired, completed);
                }

                // Offers here are seats no freeing transaction offered: normal for a package sharing inventory with
                // another, worth a look if frequent (each also blocked holds for its slot until now).
                var backstop = await waitlists.SweepAsync(stoppingToken);
                if (backstop > 0)
                {
                    logger.LogWarning("Waiting-list backstop made {Offers} offers that no freeing change made", backstop);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Booking sweep failed; retrying next round");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<int> DrainAsync(Func<int, CancellationToken, Task<int>> step, CancellationToken ct)
    {
        var total = 0;
        int n;
        do
        {
            n = await step(options.Value.BatchSize, ct);
            total += n;
        }
        while (n == options.Value.BatchSize);
        return total;
    }
}
