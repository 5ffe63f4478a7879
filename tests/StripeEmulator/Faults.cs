namespace BookingAws.StripeEmulator;

/// <summary>
/// Fault switches, set at runtime through <c>POST /test/faults</c>. Fields left out of a POST keep their value;
/// <c>DELETE /test/faults</c> clears them all.
/// </summary>
public sealed record FaultSettings
{
    /// <summary>Extra delay before every API call is answered.</summary>
    public int? LatencyMs { get; init; }

    /// <summary>The next N API calls answer 500 without being processed.</summary>
    public int? FailNextRequests { get; init; }

    /// <summary>
    /// The next N API calls are processed (state changes, idempotent result kept), then the answer is held
    /// until the client gives up or <see cref="HangMs"/> passes: the "request succeeded but the response was
    /// lost" case that idempotency keys exist for.
    /// </summary>
    public int? HangNextRequests { get; init; }

    /// <summary>How long a hung call is held; 0 or absent means until the client disconnects (capped by Emulator:MaxHangMs).</summary>
    public int? HangMs { get; init; }

    /// <summary>Only API paths starting with this prefix get latency, 500s and hangs (e.g. "/v1/refunds").</summary>
    public string? PathPrefix { get; init; }

    /// <summary>The next N webhooks are never delivered (the events still exist in GET /v1/events).</summary>
    public int? DropNextWebhooks { get; init; }

    /// <summary>Every webhook is delivered twice, same event id.</summary>
    public bool? DuplicateWebhooks { get; init; }

    /// <summary>The next N webhooks are held until N have gathered, then delivered newest first.</summary>
    public int? ReorderNextWebhooks { get; init; }

    /// <summary>The next webhook is delivered this many ms late, so later ones overtake it.</summary>
    public int? DelayNextWebhookMs { get; init; }
}

public sealed class Faults
{
    private readonly Lock gate = new();
    private FaultSettings current = Cleared;

    private static FaultSettings Cleared => new()
    {
        LatencyMs = 0,
        FailNextRequests = 0,
        HangNextRequests = 0,
        HangMs = 0,
        PathPrefix = null,
        DropNextWebhooks = 0,
        DuplicateWebhooks = false,
        ReorderNextWebhooks = 0,
        DelayNextWebhookMs = 0,
    };

    public FaultSettings Current
    {
        get { lock (this.gate) { return this.current; } }
    }

    public void Apply(FaultSettings patch)
    {
        lock (this.gate)
        {
            var c = this.current;
            this.current = new FaultSettings
            {
                LatencyMs = patch.LatencyMs ?? c.LatencyMs,
                FailNextRequests = patch.FailNextRequests ?? c.FailNextRequests,
                HangNextRequests = patch.HangNextRequests ?? c.HangNextRequests,
                HangMs = patch.HangMs ?? c.HangMs,
                PathPrefix = patch.PathPrefix ?? c.PathPrefix,
                DropNextWebhooks = patch.DropNextWebhooks ?? c.DropNextWebhooks,
                DuplicateWebhooks = patch.DuplicateWebhooks ?? c.DuplicateWebhooks,
                ReorderNextWebhooks = patch.ReorderNextWebhooks ?? c.ReorderNextWebhooks,
                DelayNextWebhookMs = patch.DelayNextWebhookMs ?? c.DelayNextWebhookMs,
            };
        }
    }

    public void Reset()
    {
        lock (this.gate)
        {
            this.current = Cleared;
        }
    }

    public bool AppliesTo(string path)
    {
        var prefix = this.Current.PathPrefix;
        return string.IsNullOrEmpty(prefix) || path.StartsWith(prefix, StringComparison.Ordinal);
    }

    public bool TryTakeFailure(string path) => this.TryTake(path, s => s.FailNextRequests ?? 0, (s, n) => s with { FailNextRequests = n });

    public bool TryTakeHang(string path) => this.TryTake(path, s => s.HangNextRequests ?? 0, (s, n) => s with { HangNextRequests = n });

    public bool TryTakeDrop() => this.TryTake(null, s => s.DropNextWebhooks ?? 0, (s, n) => s with { DropNextWebhooks = n });

    public int TakeDelay()
    {
        lock (this.gate)
        {
            var delay = this.current.DelayNextWebhookMs ?? 0;
            this.current = this.current with { DelayNextWebhookMs = 0 };
            return delay;
        }
    }

    /// <summary>Takes the reorder batch size, so the batch is fixed when its first webhook arrives.</summary>
    public int TakeReorderBatch()
    {
        lock (this.gate)
        {
            var n = this.current.ReorderNextWebhooks ?? 0;
            this.current = this.current with { ReorderNextWebhooks = 0 };
            return n;
        }
    }

    private bool TryTake(string? path, Func<FaultSettings, int> get, Func<FaultSettings, int, FaultSettings> set)
    {
        lock (this.gate)
        {
            var prefix = this.current.PathPrefix;
            if (path is not null && !string.IsNullOrEmpty(prefix) && !path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return false;
            }

            var n = get(this.current);
            if (n <= 0)
            {
                return false;
            }

            this.current = set(this.current, n - 1);
            return true;
        }
    }
}
