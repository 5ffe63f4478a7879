using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace BookingAws.E2E.Tests;

/// <summary>
/// The whole customer path as deployed, on the servers `./platform` started: the API on real Kestrel
/// serving the built portal from the same origin (as CloudFront does in AWS), the workers' real
/// registration (outbox relay → SQS → availability push through the Redis backplane), and Debian's
/// Chromium driven by Playwright. `./platform test` builds the portal before the tests run.
/// </summary>
public sealed class PortalFixture : ApiWithWorkers, IAsyncLifetime
{
    public static readonly string Root = FindRoot();

    public static readonly string PortalDist = Path.Combine(Root, "portal", "dist");

    public static readonly string Screenshots = Path.Combine(Root, ".platform", "test-results", "portal-screenshots");

    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Portal:Root", PortalDist);
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(PortalDist, "index.html")))
        {
            throw new InvalidOperationException($"The portal is not built ({PortalDist}); run ./platform test, which builds it.");
        }

        StartServer();
        Directory.CreateDirectory(Screenshots);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("BOOKINGAWS_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox"],
        });
    }

    /// <summary>A page at phone or desktop width, in British English, on the portal's origin.</summary>
    public Task<IPage> NewPageAsync(bool phone = false) => Browser.NewPageAsync(new BrowserNewPageOptions
    {
        BaseURL = BaseAddress.ToString(),
        Locale = "en-GB",
        ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
    });

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright?.Dispose();
        await DisposeAsync();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BookingAws.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("BookingAws.sln not found above the test folder.");
    }
}
