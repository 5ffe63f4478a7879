using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;

namespace BookingAws.StripeEmulator;

public sealed record QueuedEvent(string Type, string Id, string Json);

/// <summary>One delivery attempt, for tests that assert what was (not) sent.</summary>
public sealed record WebhookAttempt(DateTimeOffset At, string EventId, string Type, int Attempt, int? Status, string? Error);

/// <summary>Events waiting for delivery, in the order they happened.</summary>
public sealed class WebhookQueue
{
    private readonly Channel<QueuedEvent> channel = Channel.CreateUnbounded<QueuedEvent>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<QueuedEvent> Reader => this.channel.Reader;

    public void Enqueue(string type, string id, string json) => this.channel.Writer.TryWrite(new QueuedEvent(type, id, json));
}

/// <summary>
/// Sends events to the configured endpoint like Stripe does: POST of the event JSON with a
/// <c>Stripe-Signature: t=…,v1=…</c> header, retried with back-off until a 2xx. First attempts go out in
/// event order (or, with <see cref="EmulatorSettings.WebhookConcurrency"/> above 1, that many at once, as Stripe
/// does); retries run on their own so one failing event does not hold back the rest.
/// </summary>
public sealed class WebhookDispatcher(
    WebhookQueue queue,
    EmulatorSettings settings,
    Faults faults,
    IHttpClientFactory httpClientFactory,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private readonly Lock gate = new();
    private readonly List<WebhookAttempt> attempts = [];
    private readonly List<QueuedEvent> held = [];
    private int holdUntil;

    public IReadOnlyList<WebhookAttempt> Attempts()
    {
        lock (this.gate)
        {
            return [.. this.attempts];
        }
    }

    public void Reset()
    {
        lock (this.gate)
        {
            this.attempts.Clear();
            this.held.Clear();
            this.holdUntil = 0;
        }
    }

    /// <summary>Stripe's signature: HMAC-SHA256 keyed with the whole <c>whsec_…</c> secret over <c>"{t}.{payload}"</c>.</summary>
    public static string Sign(string secret, long timestamp, string payload)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inFlight = 0;
        await foreach (var evt in queue.Reader.ReadAllAsync(stoppingToken))
        {
            if (settings.WebhookConcurrency <= 1)
            {
                await this.RouteLoggedAsync(evt, stoppingToken);
                continue;
            }

            while (Volatile.Read(ref inFlight) >= settings.WebhookConcurrency)
            {
                await Task.Delay(5, stoppingToken);
            }

            Interlocked.Increment(ref inFlight);
            _ = Task.Run(
                async () =>
                {
                    try
                    {
                        await this.RouteLoggedAsync(evt, stoppingToken);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlight);
                    }
                },
                CancellationToken.None);
        }
    }

    private async Task RouteLoggedAsync(QueuedEvent evt, CancellationToken ct)
    {
        try
        {
            await this.RouteAsync(evt, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Webhook routing failed for {EventId}", evt.Id);
        }
    }

    private async Task RouteAsync(QueuedEvent evt, CancellationToken ct)
    {
        if (!settings.IsEnabled(evt.Type) || string.IsNullOrEmpty(settings.WebhookUrl))
        {
            return;
        }

        if (faults.TryTakeDrop())
        {
            this.Record(new WebhookAttempt(time.GetUtcNow(), evt.Id, evt.Type, 0, null, "dropped by fault switch"));
            return;
        }

        List<QueuedEvent>? batch = null;
        lock (this.gate)
        {
            if (this.holdUntil == 0)
            {
                var n = faults.TakeReorderBatch();
                if (n > 1)
                {
                    this.holdUntil = n;
                }
            }

            if (this.holdUntil > 0)
            {
                this.held.Add(evt);
                if (this.held.Count < this.holdUntil)
                {
                    return;
                }

                batch = [.. Enumerable.Reverse(this.held)];
                this.held.Clear();
                this.holdUntil = 0;
            }
        }

        foreach (var e in batch ?? [evt])
        {
            var delay = faults.TakeDelay();
            if (delay > 0)
            {
                _ = Task.Run(
                    async () =>
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(delay), time, ct);
                        await this.DeliverWithRetriesAsync(e, ct);
                    },
                    ct);
                continue;
            }

            await this.DeliverWithRetriesAsync(e, ct);
        }
    }

    private async Task DeliverWithRetriesAsync(QueuedEvent evt, CancellationToken ct)
    {
        var copies = faults.Current.DuplicateWebhooks == true ? 2 : 1;
        for (var copy = 0; copy < copies; copy++)
        {
            if (await this.AttemptAsync(evt, 1, ct))
            {
                continue;
            }

            _ = Task.Run(() => this.RetryAsync(evt, ct), ct);
        }
    }

    private async Task RetryAsync(QueuedEvent evt, CancellationToken ct)
    {
        for (var attempt = 2; attempt <= settings.WebhookMaxAttempts; attempt++)
        {
            var backoff = settings.WebhookRetryBaseDelay * Math.Pow(2, attempt - 2);
            await Task.Delay(backoff, time, ct);
            if (await this.AttemptAsync(evt, attempt, ct))
            {
                return;
            }
        }

        logger.LogWarning("Gave up delivering {EventId} after {Attempts} attempts", evt.Id, settings.WebhookMaxAttempts);
    }

    private async Task<bool> AttemptAsync(QueuedEvent evt, int attempt, CancellationToken ct)
    {
        var url = settings.WebhookUrl;
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(evt.Json, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", Sign(settings.WebhookSecret, time.GetUtcNow().ToUnixTimeSeconds(), evt.Json));
        request.Headers.TryAddWithoutValidation("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
        try
        {
            using var response = await httpClientFactory.CreateClient("webhooks").SendAsync(request, ct);
            var status = (int)response.StatusCode;
            this.Record(new WebhookAttempt(time.GetUtcNow(), evt.Id, evt.Type, attempt, status, null));
            return status is >= 200 and < 300;
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            this.Record(new WebhookAttempt(time.GetUtcNow(), evt.Id, evt.Type, attempt, null, ex.Message));
            return false;
        }
    }

    private void Record(WebhookAttempt attempt)
    {
        lock (this.gate)
        {
            this.attempts.Add(attempt);
        }
    }
}
