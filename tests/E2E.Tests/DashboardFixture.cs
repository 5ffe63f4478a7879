using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace BookingAws.E2E.Tests;

/// <summary>
/// The business dashboard as deployed: its production build (dashboard/dist, made by `./platform test`) served by
/// the API under /dashboard on the same origin, as CloudFront serves it, signing in against cognito-local from the
/// browser; Debian's Chromium driven by Playwright. Screenshots go to .platform/test-results/dashboard-screenshots.
/// </summary>
public sealed class DashboardFixture : ApiWithWorkers, IAsyncLifetime
{
    public static readonly string DashboardDist = Path.Combine(PortalFixture.Root, "dashboard", "dist");

    public static readonly string Screenshots = Path.Combine(PortalFixture.Root, ".platform", "test-results", "dashboard-screenshots");

    private static readonly string AxeScript = Path.Combine(PortalFixture.Root, "dashboard", "node_modules", "axe-core", "axe.min.js");

    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Dashboard:Root", DashboardDist);
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(DashboardDist, "index.html")))
        {
            throw new InvalidOperationException($"The dashboard is not built ({DashboardDist}); run ./platform test, which builds it.");
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

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright?.Dispose();
        await DisposeAsync();
    }

    public static string OwnerEmail(Business business) => $"owner-{business.Slug}@example.test";

    /// <summary>A page at phone or desktop width, in British English, on the dashboard's origin.</summary>
    public Task<IPage> NewPageAsync(bool phone = false) => Browser.NewPageAsync(new BrowserNewPageOptions
    {
        BaseURL = BaseAddress.ToString(),
        Locale = "en-GB",
        ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
        AcceptDownloads = true,
    });

    /// <summary>Signs the business's owner in through the page's own form.</summary>
    public async Task SignInAsync(IPage page, Business business, string hash = "")
    {
        await page.GotoAsync($"/dashboard/{hash}");
        await page.GetByLabel("Email").FillAsync(OwnerEmail(business));
        await page.GetByLabel("Password").FillAsync(OwnerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(OwnerEmail(business), new() { Timeout = 15_000 });
    }

    /// <summary>axe-core's rules on the page as it is; the violations, as "rule: n nodes (first target)".</summary>
    public static async Task<string[]> AxeViolationsAsync(IPage page)
    {
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = AxeScript });
        return await page.EvaluateAsync<string[]>(
            "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations.map(v => `${v.id}: ${v.nodes.length} nodes (${v.nodes[0].target})`)");
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string url, object body) => client.PostAsJsonAsync(url, body);
}
