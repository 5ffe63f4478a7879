extern alias emulator;

using System.Net.Http.Json;
using System.Text.Json;
using BookingAws.Shared.Application.Payments;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NodaTime;
using EmulatorApp = emulator::BookingAws.StripeEmulator.EmulatorApp;

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

    private WebApplication? stripe;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The fixture's own Stripe emulator, sending no webhooks: tests settle payments in-process (<see cref="PayAsync"/>),
    /// so none pays through the shared emulator, whose webhooks go elsewhere.</summary>
    public HttpClient Stripe { get; private set; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Dashboard:Root", DashboardDist);

        // An explicit test setting, never on in AWS: the webhook tests' receivers listen on loopback.
        builder.UseSetting("Webhooks:AllowLoopbackTargets", "true");

        // Added last, so it wins over the platform's environment variable (Stripe__ApiBase).
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?> { ["Stripe:ApiBase"] = Stripe.BaseAddress?.ToString().TrimEnd('/') }));
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(DashboardDist, "index.html")))
        {
            throw new InvalidOperationException($"The dashboard is not built ({DashboardDist}); run ./platform test, which builds it.");
        }

        stripe = EmulatorApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        await stripe.StartAsync();
        Stripe = new HttpClient { BaseAddress = new Uri(stripe.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
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
        if (stripe is not null)
        {
            await stripe.DisposeAsync();
        }

        Stripe.Dispose();
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

    /// <summary>Signs the business's owner (or the member with <paramref name="email"/>) in through the page's own form.</summary>
    public async Task SignInAsync(IPage page, Business business, string hash = "", string? email = null)
    {
        email ??= OwnerEmail(business);
        await page.GotoAsync($"/dashboard/{hash}");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(OwnerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(email, new() { Timeout = 15_000 });
    }

    /// <summary>A staff member of the business (a user-pool user with the owner's password, and a membership); their email.</summary>
    public async Task<string> AddStaffAsync(Business business)
    {
        var email = $"staff-{business.Slug}@example.test";
        var user = await Services.GetRequiredService<CognitoClient>().EnsureUserAsync(email, OwnerPassword, CancellationToken.None);
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var now = SystemClock.Instance.GetCurrentInstant();
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO people (id, cognito_sub, email, created_at) VALUES ({Guid.CreateVersion7()}, {user.Sub}, {email}, {now}) ON CONFLICT (cognito_sub) DO NOTHING");
        var personId = await db.People.Where(p => p.CognitoSub == user.Sub).Select(p => p.Id).SingleAsync();
        using var rowScope = DatabaseScope.Tenant(business.TenantId);
        db.StaffUsers.Add(new StaffUser { TenantId = business.TenantId, PersonId = personId, Email = email, Name = "Staff", Role = Roles.Staff, CreatedAt = now });
        await db.SaveChangesAsync();
        return email;
    }

    /// <summary>Pays a proven hold online: the payment the portal would start, confirmed at the fixture's emulator, then
    /// settled as Stripe's webhook would have it settled.</summary>
    public async Task PayAsync(Guid bookingId)
    {
        var payment = await ReadAsync(await CreateClient().PostAsync(new Uri($"/api/v1/bookings/{bookingId}/payment", UriKind.Relative), null));
        var intent = payment.GetProperty("paymentIntentId").GetString()!;
        (await Stripe.PostAsync(new Uri($"/test/payment_intents/{intent}/confirm?outcome=succeeded", UriKind.Relative), null)).EnsureSuccessStatusCode();
        await using var scope = Services.CreateAsyncScope();
        using var system = DatabaseScope.System("a test settling a payment as Stripe's webhook would");
        var settled = await scope.ServiceProvider.GetRequiredService<PaymentService>().SettleIntentAsync(intent, releaseUnpaid: false, CancellationToken.None);
        Assert.Equal(Settlement.Confirmed, settled);
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
