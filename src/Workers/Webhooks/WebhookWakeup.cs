using System.Threading.Channels;

namespace BookingAws.Workers.Webhooks;

/// <summary>Ends the delivery loop's idle pause when this instance fans out an event, so a healthy endpoint hears of a
/// change within the fan-out plus one send, not a poll interval later.</summary>
public sealed class WebhookWakeup
{
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Signal() => _signals.Writer.TryWrite(true);

    /// <summary>Waits for a signal or <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var pause = CancellationTokenSource.CreateLinkedTokenSource(ct);
        pause.CancelAfter(timeout);
        try
        {
            await _signals.Reader.ReadAsync(pause.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The poll interval passed without a signal.
        }
    }
}
