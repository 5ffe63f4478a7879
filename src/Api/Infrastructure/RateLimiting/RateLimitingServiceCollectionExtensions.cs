using BookingAws.Shared.Domain.Bookings;
using Microsoft.Extensions.Options;

namespace BookingAws.Api.Infrastructure.RateLimiting;

public static class RateLimitingServiceCollectionExtensions
{
    /// <summary>Abuse limits: Redis-counted rate limits on anonymous writes and the cap on an email's active holds.</summary>
    public static IServiceCollection AddAbuseLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitsOptions>().BindConfiguration(RateLimitsOptions.Section)
            .PostConfigure(o => o.FillBusinessRules()).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitsOptions>, RateLimitsValidation>();
        services.AddSingleton<RedisWindowLimiter>();
        services.AddSingleton<IActiveHoldCap, OptionsActiveHoldCap>();
        services.AddTrustedProxy();
        return services;
    }

    /// <summary>Limits the anonymous writes among the group's endpoints (see <see cref="AbuseLimitFilter"/>).</summary>
    public static RouteGroupBuilder WithAbuseLimits(this RouteGroupBuilder api) => api.AddEndpointFilter(new AbuseLimitFilter());

    /// <summary>Names every bad setting at start, so a typo fails the deploy rather than the first request.</summary>
    private sealed class RateLimitsValidation : IValidateOptions<RateLimitsOptions>
    {
        public ValidateOptionsResult Validate(string? name, RateLimitsOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }

    private sealed class OptionsActiveHoldCap(IOptionsMonitor<RateLimitsOptions> options) : IActiveHoldCap
    {
        public int For(string tenantSlug) => options.CurrentValue.MaxActiveHoldsFor(tenantSlug);
    }
}
