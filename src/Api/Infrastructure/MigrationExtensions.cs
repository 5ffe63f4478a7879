using BookingAws.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace BookingAws.Api.Infrastructure;

public static class MigrationExtensions
{
    public static async Task MigrateDatabaseAsync(this IHost app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILogger<BookingDbContext>>();
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        await db.Database.MigrateAsync();
        logger.LogInformation("Applied {Count} migration(s): {Migrations}", pending.Count, pending);
    }
}
