using BookingAws.Shared.Data;

namespace BookingAws.Api.Infrastructure;

public static class MigrationExtensions
{
    /// <summary>Runs <see cref="DatabaseMigrator"/> with the host's configuration; safe to start on every
    /// instance of a release at once.</summary>
    public static Task<MigrationOutcome> MigrateDatabaseAsync(this IHost app, CancellationToken ct = default) =>
        DatabaseMigrator.MigrateAsync(
            app.Services.GetRequiredService<IConfiguration>(),
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BookingAws.Migrate"),
            ct);
}
