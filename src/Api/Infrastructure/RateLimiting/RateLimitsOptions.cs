namespace BookingAws.Api.Infrastructure.RateLimiting;

/// <summary>
/// Limits on anonymous writes (section <c>RateLimits</c>), counted in Redis so every API instance shares
/// them. Each kind of write has a rule per client IP, per email given in the request and per business;
/// a rule left out does not apply. <see cref="Businesses"/> overrides them for one business, by slug:
/// <c>RateLimits:Businesses:&lt;slug&gt;:Holds:PerBusiness:PermitLimit</c>, or
/// <c>RateLimits:Businesses:&lt;slug&gt;:MaxActiveHoldsPerEmail</c>.
/// </summary>
public sealed class RateLimitsOptions
{
    public const string Section = "RateLimits";

    /// <summary>Off turns every rule off, the active-holds cap included (for a private install or a load test).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Start of every counter's Redis key; instances that share limits share it.</summary>
    public string KeyPrefix { get; set; } = "rl";

    /// <summary>
    /// Requests a minute per tenant API key, unless the key names its own (<c>requestsPerMinute</c> when made).
    /// One window per key, whatever the route: a runaway script is stopped without touching the business's other keys.
    /// </summary>
    public int ApiKeyRequestsPerMinute { get; set; } = 600;

    /// <summary>Holds: POST /tenants/{slug}/bookings.</summary>
    public WriteLimits Holds { get; set; } = new()
    {
        PerIp = new RateRule { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) },
        PerEmail = new RateRule { PermitLimit = 10, Window = TimeSpan.FromMinutes(10) },
        PerBusiness = new RateRule { PermitLimit = 600, Window = TimeSpan.FromMinutes(1) },
    };

    /// <summary>Sign-ups: POST /tenants (the business is new, so there is no per-business rule).</summary>
    public WriteLimits SignUps { get; set; } = new()
    {
        PerIp = new RateRule { PermitLimit = 10, Window = TimeSpan.FromHours(1) },
        PerEmail = new RateRule { PermitLimit = 3, Window = TimeSpan.FromHours(1) },
    };

    /// <summary>A guest's booking writes by link or booking id: manage-link cancel and reschedule, payment (re)start.</summary>
    public WriteLimits BookingLinks { get; set; } = new()
    {
        PerIp = new RateRule { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) },
    };

    /// <summary>Customers' sign-in codes: POST /tenants/{slug}/sign-in/code. Each code is an email sent, so few per address.</summary>
    public WriteLimits SignInCodes { get; set; } = new()
    {
        PerIp = new RateRule { PermitLimit = 20, Window = TimeSpan.FromMinutes(10) },
        PerEmail = new RateRule { PermitLimit = 5, Window = TimeSpan.FromMinutes(15) },
    };

    /// <summary>Holds one email may have waiting for payment at one business; 0 means no cap.</summary>
    public int MaxActiveHoldsPerEmail { get; set; } = 3;

    public Dictionary<string, BusinessLimits> Businesses { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The hold rules for <paramref name="slug"/>: its overrides where given, the defaults elsewhere.</summary>
    public WriteLimits HoldsFor(string slug) =>
        Businesses.TryGetValue(slug, out var own) && own.Holds is { } o
            ? new WriteLimits { PerIp = o.PerIp ?? Holds.PerIp, PerEmail = o.PerEmail ?? Holds.PerEmail, PerBusiness = o.PerBusiness ?? Holds.PerBusiness }
            : Holds;

    public int MaxActiveHoldsFor(string slug) =>
        !Enabled ? 0 : Businesses.TryGetValue(slug, out var own) && own.MaxActiveHoldsPerEmail is { } max ? max : MaxActiveHoldsPerEmail;

    /// <summary>
    /// Completes each business's rules from the defaults: an override may give only a limit (its window is
    /// then the default's) or only a window.
    /// </summary>
    public void FillBusinessRules()
    {
        foreach (var own in Businesses.Values.Select(b => b.Holds).OfType<WriteLimits>())
        {
            Fill(own.PerIp, Holds.PerIp);
            Fill(own.PerEmail, Holds.PerEmail);
            Fill(own.PerBusiness, Holds.PerBusiness);
        }

        static void Fill(RateRule? own, RateRule? fallback)
        {
            if (own is null || fallback is null)
            {
                return;
            }

            own.PermitLimit = own.PermitLimit == 0 ? fallback.PermitLimit : own.PermitLimit;
            own.Window = own.Window == TimeSpan.Zero ? fallback.Window : own.Window;
        }
    }

    /// <summary>What is wrong with the settings, one sentence each; none when every rule is well formed.</summary>
    public IEnumerable<string> Problems()
    {
        var sets = new List<(string Name, WriteLimits? Limits)> { ("Holds", Holds), ("SignUps", SignUps), ("BookingLinks", BookingLinks), ("SignInCodes", SignInCodes) };
        sets.AddRange(Businesses.Select(b => ($"Businesses:{b.Key}:Holds", b.Value.Holds)));
        foreach (var (name, limits) in sets)
        {
            foreach (var (dimension, rule) in limits?.Rules() ?? [])
            {
                if (rule.PermitLimit < 1)
                {
                    yield return $"{Section}:{name}:{dimension}:PermitLimit must be at least 1.";
                }

                if (rule.Window < TimeSpan.FromSeconds(1) || rule.Window > TimeSpan.FromDays(1))
                {
                    yield return $"{Section}:{name}:{dimension}:Window must be between 1 second and 1 day.";
                }
            }
        }

        if (string.IsNullOrWhiteSpace(KeyPrefix) || KeyPrefix.Contains(':', StringComparison.Ordinal))
        {
            yield return $"{Section}:KeyPrefix must be a non-empty word without ':'.";
        }

        if (ApiKeyRequestsPerMinute < 1)
        {
            yield return $"{Section}:ApiKeyRequestsPerMinute must be at least 1.";
        }

        if (MaxActiveHoldsPerEmail < 0 || Businesses.Any(b => b.Value.MaxActiveHoldsPerEmail < 0))
        {
            yield return $"{Section}:MaxActiveHoldsPerEmail must be 0 (no cap) or more.";
        }
    }
}

public sealed class WriteLimits
{
    public RateRule? PerIp { get; set; }

    public RateRule? PerEmail { get; set; }

    public RateRule? PerBusiness { get; set; }

    public IEnumerable<(string Dimension, RateRule Rule)> Rules()
    {
        if (PerIp is { } ip)
        {
            yield return (nameof(PerIp), ip);
        }

        if (PerEmail is { } email)
        {
            yield return (nameof(PerEmail), email);
        }

        if (PerBusiness is { } business)
        {
            yield return (nameof(PerBusiness), business);
        }
    }
}

/// <summary>At most <see cref="PermitLimit"/> requests per fixed <see cref="Window"/>.</summary>
public sealed class RateRule
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }
}

public sealed class BusinessLimits
{
    public WriteLimits? Holds { get; set; }

    public int? MaxActiveHoldsPerEmail { get; set; }
}
