namespace BookingAws.StripeEmulator;

/// <summary>Runtime settings, seeded from configuration and changeable through <c>POST /test/config</c>.</summary>
public sealed class EmulatorSettings
{
    private readonly Lock gate = new();
    private string webhookUrl;
    private string webhookSecret;
    private IReadOnlySet<string>? enabledEvents;
    private int webhookConcurrency;

    public EmulatorSettings(IConfiguration configuration)
    {
        this.webhookUrl = configuration["Emulator:WebhookUrl"] ?? "http://127.0.0.1:5080/api/v1/webhooks/stripe";
        this.webhookSecret = configuration["Emulator:WebhookSecret"] ?? "whsec_local_emulator";
        this.WebhookMaxAttempts = configuration.GetValue("Emulator:WebhookMaxAttempts", 6);
        this.WebhookRetryBaseDelay = TimeSpan.FromMilliseconds(configuration.GetValue("Emulator:WebhookRetryBaseMs", 1000));
        this.MaxHang = TimeSpan.FromMilliseconds(configuration.GetValue("Emulator:MaxHangMs", 120_000));
        this.webhookConcurrency = Math.Max(1, configuration.GetValue("Emulator:WebhookConcurrency", 1));
        var events = configuration["Emulator:EnabledEvents"];
        this.enabledEvents = ParseEvents(events);
    }

    public int WebhookMaxAttempts { get; }

    public TimeSpan WebhookRetryBaseDelay { get; }

    public TimeSpan MaxHang { get; }

    public string WebhookUrl
    {
        get { lock (this.gate) { return this.webhookUrl; } }
        set { lock (this.gate) { this.webhookUrl = value; } }
    }

    public string WebhookSecret
    {
        get { lock (this.gate) { return this.webhookSecret; } }
        set { lock (this.gate) { this.webhookSecret = value; } }
    }

    /// <summary>
    /// First attempts in flight at once. 1 (the default) sends them strictly in event order, which tests rely on;
    /// Stripe itself sends concurrently and in no guaranteed order, which a load (bench/faults.sh) needs.
    /// </summary>
    public int WebhookConcurrency
    {
        get => Volatile.Read(ref this.webhookConcurrency);
        set => Volatile.Write(ref this.webhookConcurrency, Math.Max(1, value));
    }

    /// <summary>Null means every event type is sent, as for an endpoint listening to <c>*</c>.</summary>
    public IReadOnlySet<string>? EnabledEvents
    {
        get { lock (this.gate) { return this.enabledEvents; } }
        set { lock (this.gate) { this.enabledEvents = value; } }
    }

    public bool IsEnabled(string eventType)
    {
        var enabled = this.EnabledEvents;
        return enabled is null || enabled.Contains("*") || enabled.Contains(eventType);
    }

    private static HashSet<string>? ParseEvents(string? csv) =>
        string.IsNullOrWhiteSpace(csv)
            ? null
            : csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
}
