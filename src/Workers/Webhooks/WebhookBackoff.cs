namespace BookingAws.Workers.Webhooks;

/// <summary>
/// When to try again after the <c>n</c>th failed attempt: 10 s, 30 s, 90 s, … (×3) up to 6 hours, so a receiver
/// that is down for minutes gets the event minutes after it is back, and one that is down for days is tried about
/// every 6 hours (some 17 attempts in 72 hours). Jitter only shortens the wait (to 80–100 %), so many deliveries
/// failing together spread out while "the nominal delay has passed" still means "due".
/// </summary>
public static class WebhookBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Max = TimeSpan.FromHours(6);

    public static TimeSpan Nominal(int failedAttempts)
    {
        var seconds = First.TotalSeconds * Math.Pow(3, Math.Clamp(failedAttempts - 1, 0, 20));
        return TimeSpan.FromSeconds(Math.Min(seconds, Max.TotalSeconds));
    }

    public static TimeSpan Next(int failedAttempts) => Nominal(failedAttempts) * (0.8 + (0.2 * Random.Shared.NextDouble()));
}
