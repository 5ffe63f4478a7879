using BookingAws.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BookingAws.Api.Infrastructure;

/// <summary>How a user's own writes stay visible to their reads; chosen by <see cref="ReadYourWritesOptions"/>.</summary>
public interface IReadYourWrites
{
    Task<bool> MustReadPrimaryAsync(Guid userId, CancellationToken ct);

    Task RecordWriteAsync(Guid userId, CancellationToken ct);
}

/// <summary>
/// Routes queries to the replica while keeping read-your-writes for the person who just wrote (see
/// <see cref="ReadYourWritesMode"/>). Everyone else, and anonymous readers, read the replica directly.
/// If Redis is unreachable the user's reads go to the primary: slower, never stale.
/// </summary>
public sealed class ReadSession(
    IServiceProvider services,
    IReadYourWrites strategy,
    IHttpContextAccessor http,
    ILogger<ReadSession> logger)
{
    // Resolved on first use: a write-only request (a hold) should not pay for building two DbContexts.
    private ReadDbContext Replica => services.GetRequiredService<ReadDbContext>();

    private BookingDbContext Primary => services.GetRequiredService<BookingDbContext>();

    /// <summary>The context to read from for the current caller.</summary>
    public async Task<BookingDataContext> ReaderAsync(CancellationToken ct)
    {
        var user = http.HttpContext is { } ctx ? CurrentUser.From(ctx.User) : null;
        if (user is null)
        {
            return Replica;
        }

        try
        {
            return await strategy.MustReadPrimaryAsync(user.Id, ct) ? PrimaryForReads() : Replica;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Redis unavailable; reading from the primary to keep read-your-writes");
            return PrimaryForReads();
        }
    }

    /// <summary>Marks the caller as having just written; call after the write committed.</summary>
    public Task RecordWriteAsync(CancellationToken ct) =>
        RecordWriteAsync(http.HttpContext is { } ctx ? CurrentUser.From(ctx.User) : null, ct);

    /// <summary>Marks <paramref name="user"/> as having just written, for a request that signs them in (it has no caller yet).</summary>
    public async Task RecordWriteAsync(CurrentUser? user, CancellationToken ct)
    {
        if (user is null)
        {
            return;
        }

        try
        {
            await strategy.RecordWriteAsync(user.Id, ct);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Without the marker the user may briefly read a lagging replica; the write itself stands.
            logger.LogWarning(ex, "Redis unavailable; could not record the write");
        }
    }

    private BookingDbContext PrimaryForReads()
    {
        var primary = Primary;
        primary.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
        return primary;
    }
}

public static class ReadSessionServiceCollectionExtensions
{
    public static WebApplicationBuilder AddReadSession(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var development = builder.Environment.IsDevelopment();
        services.AddOptions<ReadYourWritesOptions>().BindConfiguration(ReadYourWritesOptions.Section)
            .PostConfigure(o => o.ReadYourWrites ??= development ? ReadYourWritesMode.WalPosition : ReadYourWritesMode.PinWindow)
            .ValidateDataAnnotations()
            .Validate(o => o.PinWindowMin > TimeSpan.Zero && o.PinWindowMin <= o.PinWindowMax, "Database:PinWindowMin must be positive and at most PinWindowMax.")
            .Validate(o => o.LagSampleInterval > TimeSpan.Zero, "Database:LagSampleInterval must be positive.")
            .ValidateOnStart();
        services.AddSingleton<WalPositionReads>();
        services.AddSingleton<ReplicaLagSampler>();
        services.AddSingleton<PinWindowReads>();
        services.AddSingleton<IReadYourWrites>(sp =>
            sp.GetRequiredService<IOptions<ReadYourWritesOptions>>().Value.ReadYourWrites == ReadYourWritesMode.PinWindow
                ? sp.GetRequiredService<PinWindowReads>()
                : sp.GetRequiredService<WalPositionReads>());
        services.AddHostedService<ReplicaLagSamplerHost>();
        services.AddScoped<ReadSession>();
        return builder;
    }

    /// <summary>Runs the sampler only in <see cref="ReadYourWritesMode.PinWindow"/>: the WAL mode needs no lag figure.</summary>
    private sealed class ReplicaLagSamplerHost(IOptions<ReadYourWritesOptions> options, IServiceProvider services) : IHostedService
    {
        private ReplicaLagSampler? sampler;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.Value.ReadYourWrites != ReadYourWritesMode.PinWindow)
            {
                return Task.CompletedTask;
            }

            sampler = services.GetRequiredService<ReplicaLagSampler>();
            return sampler.StartAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => sampler?.StopAsync(cancellationToken) ?? Task.CompletedTask;
    }
}
