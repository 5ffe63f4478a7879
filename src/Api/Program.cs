using BookingAws.Api.Features.Demo;
using BookingAws.Api.Infrastructure;
using BookingAws.Shared.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("bookingaws-api");
builder.AddApiServices();

var app = builder.Build();

// One-shot commands used by ./platform and deployment: `migrate` applies EF Core migrations to the
// primary, `seed-demo` adds the demo business. Both are safe to repeat.
if (args is ["migrate", ..])
{
    await app.MigrateDatabaseAsync();
    return;
}

if (args is ["seed-demo", ..])
{
    // The demo users have a published password: never in a real user pool.
    if (!app.Environment.IsDevelopment())
    {
        await Console.Error.WriteLineAsync("seed-demo runs only in Development (ASPNETCORE_ENVIRONMENT=Development).");
        Environment.ExitCode = 2;
        return;
    }

    await app.MigrateDatabaseAsync();
    await DemoSeeder.SeedAsync(app.Services, CancellationToken.None);
    return;
}

app.MapApi();
await app.RunAsync();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
