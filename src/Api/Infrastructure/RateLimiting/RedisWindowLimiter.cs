using System.Diagnostics.Metrics;
using BookingAws.Shared.Hosting;
using StackExchange.Redis;

namespace BookingAws.Api.Infrastructure.RateLimiting;

/// <summary>One counter of a request: its Redis key and the rule it is held to.</summary>
public readonly record struct RatePartition(string Key, RateRule Rule);

/// <summary>Allowed, or refused with how long until the refusing counter's window ends.</summary>
public readonly record struct RateDecision(bool Allowed, TimeSpan RetryAfter, string? RefusedKey)
{
    public static readonly RateDecision Allow = new(true, TimeSpan.Zero, null);

    /// <summary>
    /// The refusal every limit answers with: 429 problem details, <c>Retry-After</c> in whole seconds (at least 1) and
    /// <c>retryAfterSeconds</c>; <paramref name="detail"/> is given those seconds.
    /// </summary>
    public Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooMany(
        HttpContext http, Func<int, string> detail, IDictionary<string, object?>? extensions = null)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var fields = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["retryAfterSeconds"] = seconds };
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", detail: detail(seconds), extensions: fields);
    }
}

/// <summary>
/// Fixed-window counters in Redis, shared by every API instance. All counters of one request are checked
/// and counted by one script in one round trip: if any is at its limit nothing is counted, so a client
/// refused for its own IP does not use up its business's allowance. The keys of a request may live in
/// different hash slots; the replication group runs with cluster mode off, where that is allowed.
/// When Redis is down the limiter lets requests through (fail open): holds matter more than limits, and
/// on-call sees the <c>bookingaws.ratelimit.fail_open</c> counter and a warning log.
/// </summary>
public sealed class RedisWindowLimiter(IConnectionMultiplexer redis, TimeProvider time, ILogger<RedisWindowLimiter> logger)
{
    private static readonly Counter<long> FailOpen = Telemetry.Meter.CreateCounter<long>(
        "bookingaws.ratelimit.fail_open", description: "Requests let through unchecked because Redis could not be asked");

    private static readonly Counter<long> Refused = Telemetry.Meter.CreateCounter<long>(
        "bookingaws.ratelimit.refused", description: "Requests answered 429 by an abuse limit");

    // ARGV holds limit and window (ms) per key. The first pass only reads, so a refusal counts nothing.
    private const string Script =
        """
        for i = 1, #KEYS do
          local used = tonumber(redis.call('GET', KEYS[i]) or '0')
          if used >= tonumber(ARGV[2 * i - 1]) then
            local ttl = redis.call('PTTL', KEYS[i])
            if ttl < 0 then
              redis.call('PEXPIRE', KEYS[i], ARGV[2 * i])
              ttl = tonumber(ARGV[2 * i])
            end
            return { i, ttl }
          end
        end
        for i = 1, #KEYS do
          if redis.call('INCR', KEYS[i]) == 1 then
            redis.call('PEXPIRE', KEYS[i], ARGV[2 * i])
          end
        end
        return { 0, 0 }
        """;

    private long lastWarning;

    public async Task<RateDecision> AcquireAsync(IReadOnlyList<RatePartition> partitions, string kind)
    {
        if (partitions.Count == 0)
        {
            return RateDecision.Allow;
        }

        // Disconnected: answer at once instead of queueing behind the connection's timeout.
        if (!redis.IsConnected)
        {
            return Open(kind, null);
        }

        var keys = new RedisKey[partitions.Count];
        var args = new RedisValue[partitions.Count * 2];
        for (var i = 0; i < partitions.Count; i++)
        {
            keys[i] = partitions[i].Key;
            args[2 * i] = partitions[i].Rule.PermitLimit;
            args[(2 * i) + 1] = (long)partitions[i].Rule.Window.TotalMilliseconds;
        }

        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, keys, args))!;
            var refused = (int)result[0];
            if (refused == 0)
            {
                return RateDecision.Allow;
            }

            var key = partitions[refused - 1].Key;
            Refused.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("rule", Dimension(key)));
            return new RateDecision(false, TimeSpan.FromMilliseconds((long)result[1]), key);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return Open(kind, e);
        }
    }

    private RateDecision Open(string kind, Exception? error)
    {
        FailOpen.Add(1, new KeyValuePair<string, object?>("kind", kind));

        // One warning per half minute: during an outage every anonymous write would log otherwise.
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref lastWarning);
        if ((last == 0 || time.GetElapsedTime(last, now) > TimeSpan.FromSeconds(30)) && Interlocked.CompareExchange(ref lastWarning, now, last) == last)
        {
            logger.LogWarning(error, "Redis unavailable: abuse limits are not enforced (failing open) for {Kind}", kind);
        }

        return RateDecision.Allow;
    }

    // Keys read "rl:{kind}:{dimension}:{value}"; the metric carries the dimension, never the value.
    private static string Dimension(string key) => key.Split(':') is { Length: > 2 } parts ? parts[2] : "unknown";
}
