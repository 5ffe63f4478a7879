namespace BookingAws.StripeEmulator;

/// <summary>Builds the emulator; tests call this to host it in-process on a loopback port of their choosing.</summary>
public static class EmulatorApp
{
    public const string DefaultUrl = "http://127.0.0.1:58012";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<EmulatorSettings>();
        builder.Services.AddSingleton<Faults>();
        builder.Services.AddSingleton<WebhookQueue>();
        builder.Services.AddSingleton<EmulatorState>();
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        builder.Services.AddHttpClient("webhooks", c => c.Timeout = TimeSpan.FromSeconds(10));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseWhen(
            ctx => ctx.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal),
            branch => branch.UseMiddleware<StripeApiMiddleware>());
        app.UseWhen(
            ctx => ctx.Request.Path.StartsWithSegments("/test", StringComparison.Ordinal),
            branch => branch.Use(async (ctx, next) =>
            {
                try
                {
                    await next(ctx);
                }
                catch (StripeApiException ex)
                {
                    await StripeApiMiddleware.WriteError(ctx.Response, ex);
                }
            }));
        app.MapStripeApi();
        app.MapTestControl();
        return app;
    }
}
