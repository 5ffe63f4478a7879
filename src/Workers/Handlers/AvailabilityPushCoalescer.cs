using System.Collections.Concurrent;
using BookingAws.Shared.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace BookingAws.Workers.Handlers;

/// <summary>
/// At most one <see cref="AvailabilityHub.ChangedMethod"/> per business per window on this instance. A change
/// after a quiet window goes out at once (leading edge: a single booking reaches watchers with no added delay);
/// changes during the window are gathered and sent together when it ends (trailing edge), so a burst of
/// bookings or expiries costs every watcher one message and one refetch instead of one per booking.
/// </summary>
public sealed partial class AvailabilityPushCoalescer(
    IHubContext<AvailabilityHub> hub, IOptions<WorkerOptions> options, TimeProvider time, ILogger<AvailabilityPushCoalescer> logger)
{
    /// <summary>More spans than this in one push become one span from the first start to the last end: the
    /// client then refetches a few days too many, but the message stays small.</summary>
    internal const int MaxSpansPerPush = 64;

    private readonly ConcurrentDictionary<Guid, TenantWindow> _windows = new();
    private int _calls;

    private TimeSpan Window => options.Value.Push.CoalesceWindow;

    /// <summary>Sends now (awaited) or schedules the tenant's trailing push (not awaited: a hint, see the handler).</summary>
    public Task PushAsync(Guid tenantId, IReadOnlyList<ChangedTime> changes, CancellationToken cancellationToken)
    {
        SweepNowAndThen();
        while (true)
        {
            var window = _windows.GetOrAdd(tenantId, _ => new TenantWindow());
            lock (window)
            {
                if (window.Removed)
                {
                    continue; // swept just now; a fresh one is added on the next turn
                }

                var now = time.GetTimestamp();
                if (!window.FlushScheduled && (window.LastSent is not { } last || time.GetElapsedTime(last, now) >= Window))
                {
                    window.LastSent = now;
                    return SendAsync(tenantId, changes, cancellationToken);
                }

                window.Pending.AddRange(changes);
                if (!window.FlushScheduled)
                {
                    window.FlushScheduled = true;
                    var wait = Window - time.GetElapsedTime(window.LastSent!.Value, now);
                    _ = FlushLaterAsync(tenantId, window, wait);
                }

                return Task.CompletedTask;
            }
        }
    }

    private async Task FlushLaterAsync(Guid tenantId, TenantWindow window, TimeSpan wait)
    {
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time);
        }

        List<ChangedTime> pending;
        lock (window)
        {
            pending = window.Pending;
            window.Pending = [];
            window.FlushScheduled = false;
            window.LastSent = time.GetTimestamp();
        }

        await SendAsync(tenantId, pending, CancellationToken.None);
    }

    private async Task SendAsync(Guid tenantId, IReadOnlyList<ChangedTime> changes, CancellationToken cancellationToken)
    {
        try
        {
            await hub.Clients.Group(AvailabilityHub.GroupFor(tenantId))
                .SendAsync(AvailabilityHub.ChangedMethod, new AvailabilityChanged(tenantId, Merge(changes)), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogNotSent(logger, e, tenantId);
        }
    }

    /// <summary>Sorted, overlapping or touching spans joined, at most <see cref="MaxSpansPerPush"/>.</summary>
    internal static IReadOnlyList<ChangedTime> Merge(IReadOnlyList<ChangedTime> changes)
    {
        var merged = new List<ChangedTime>();
        foreach (var change in changes.OrderBy(c => c.StartsAt))
        {
            if (merged.Count > 0 && change.StartsAt <= merged[^1].EndsAt)
            {
                var last = merged[^1];
                merged[^1] = last with { EndsAt = change.EndsAt > last.EndsAt ? change.EndsAt : last.EndsAt };
            }
            else
            {
                merged.Add(change);
            }
        }

        return merged.Count <= MaxSpansPerPush ? merged : [new ChangedTime(merged[0].StartsAt, merged.Max(c => c.EndsAt))];
    }

    /// <summary>Forgets businesses quiet for a minute, so the map holds only the recently busy ones.</summary>
    private void SweepNowAndThen()
    {
        if (Interlocked.Increment(ref _calls) % 1024 != 0)
        {
            return;
        }

        var now = time.GetTimestamp();
        foreach (var (tenantId, window) in _windows)
        {
            lock (window)
            {
                if (!window.FlushScheduled && window.LastSent is { } last && time.GetElapsedTime(last, now) > TimeSpan.FromMinutes(1))
                {
                    window.Removed = true;
                    _windows.TryRemove(new KeyValuePair<Guid, TenantWindow>(tenantId, window));
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live availability push for tenant {TenantId} not sent; portals will see the change on their next fetch")]
    private static partial void LogNotSent(ILogger logger, Exception exception, Guid tenantId);

    private sealed class TenantWindow
    {
        public long? LastSent;
        public List<ChangedTime> Pending = [];
        public bool FlushScheduled;
        public bool Removed;
    }
}
