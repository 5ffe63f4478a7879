// The emulator is a web app with its own public Program; the alias keeps it apart from the API's.
extern alias emulator;

using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BookingAws.Api.Tests.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;
using Stripe;
using EmulatorApp = emulator::BookingAws.StripeEmulator.EmulatorApp;

namespace BookingAws.Api.Tests.Payments;

/// <summary>
/// The API wired to a Stripe emulator of its own (in-process, on a loopback port), with a settable
/// clock. Webhooks go emulator → <see cref="WebhookRelay"/> → API, so a test can drop, hold back or
/// replay one PaymentIntent's events without touching anyone else's.
/// </summary>
public sealed class PaymentsFixture : IAsyncLifetime
{
    public const string ApiKey = "sk_test_payments_fixture";
    public const string WebhookSecret = "whsec_payments_fixture";

    private const string EnabledEvents =
        "payment_intent.succeeded,payment_intent.payment_failed,payment_intent.canceled,refund.created,refund.updated,refund.failed,charge.refunded";

    private WebApplication? emulator;

    public FakeClock Clock { get; } = new(SystemClock.Instance.GetCurrentInstant());

    public WebhookRelay Relay { get; } = new();

    public PaymentsApiFactory Api { get; private set; } = null!;

    public HttpClient Emulator { get; private set; } = new();

    public StripeClient Stripe { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var relayUrl = await this.Relay.StartAsync();
        this.emulator = EmulatorApp.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--Emulator:WebhookUrl", relayUrl,
            "--Emulator:WebhookSecret", WebhookSecret,
            "--Emulator:WebhookRetryBaseMs", "100",
            "--Emulator:EnabledEvents", EnabledEvents,
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await this.emulator.StartAsync();
        var emulatorUrl = Address(this.emulator);
        this.Emulator = new HttpClient { BaseAddress = new Uri(emulatorUrl) };
        this.Stripe = new StripeClient(new StripeClientOptions
        {
            ApiKey = ApiKey,
            ApiBase = emulatorUrl,
            HttpClient = new SystemNetHttpClient(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, 0, enableTelemetry: false),
        });
        this.Api = new PaymentsApiFactory(emulatorUrl, this.Clock);
        this.Relay.Target = this.Api.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await this.Api.DisposeAsync();
        if (this.emulator is not null)
        {
            await this.emulator.DisposeAsync();
        }

        await this.Relay.DisposeAsync();
        this.Emulator.Dispose();
    }

    public async Task SetFaultsAsync(object faults)
    {
        using var response = await this.Emulator.PostAsJsonAsync("/test/faults", faults);
        response.EnsureSuccessStatusCode();
    }

    public async Task ClearFaultsAsync()
    {
        using var response = await this.Emulator.DeleteAsync(new Uri("/test/faults", UriKind.Relative));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The customer pays (or fails to) in the browser.</summary>
    public async Task PayAsync(string paymentIntentId, bool succeed = true)
    {
        using var response = await this.Emulator.PostAsync(
            new Uri($"/test/payment_intents/{paymentIntentId}/confirm?outcome={(succeed ? "succeeded" : "failed")}", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
    }

    public async Task<List<JsonElement>> RequestLogAsync() => (await this.Emulator.GetFromJsonAsync<List<JsonElement>>("/test/requests"))!;

    public async Task<List<Refund>> RefundsAsync(string paymentIntentId) =>
        (await new RefundService(this.Stripe).ListAsync(new RefundListOptions { PaymentIntent = paymentIntentId })).Data;

    public async Task<List<PaymentIntent>> PaymentIntentsForAsync(Guid bookingId) =>
        (await new PaymentIntentService(this.Stripe).SearchAsync(new PaymentIntentSearchOptions { Query = $"metadata['booking_id']:'{bookingId}'" })).Data;

    /// <summary>A Stripe-Signature header as Stripe computes it, for a given time.</summary>
    public static string Sign(string payload, DateTimeOffset at, string secret = WebhookSecret)
    {
        var t = at.ToUnixTimeSeconds();
        var mac = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{payload}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}

public sealed class PaymentsApiFactory : WebApplicationFactory<Program>
{
    private readonly string stripeApiBase;
    private readonly FakeClock clock;

    public PaymentsApiFactory(string stripeApiBase, FakeClock clock)
    {
        this.stripeApiBase = stripeApiBase;
        this.clock = clock;
        UseKestrel(0);
    }

    private TestIdentity? identity;

    /// <summary>People in the real user pool and their real access tokens.</summary>
    public TestIdentity Identity => identity ??= new TestIdentity(Services);

    public async Task<HttpClient> SignedInAsync(string email) => ClientWithToken(await Identity.TokenAsync(email));

    public HttpClient ClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(TestPool.Settings));

        // Added last, so these win over the platform's environment variables (Stripe__ApiBase).
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Stripe:ApiBase"] = this.stripeApiBase,
            ["Stripe:ApiKey"] = PaymentsFixture.ApiKey,
            ["Stripe:WebhookSecret"] = PaymentsFixture.WebhookSecret,
            ["Stripe:AttemptTimeout"] = "00:00:01",
            ["Stripe:Attempts"] = "2",
            ["Stripe:PlatformFeeBasisPoints"] = "500",
            ["PaymentReconciliation:BatchSize"] = "2",
        }));
        builder.ConfigureTestServices(s => s.AddSingleton<IClock>(this.clock));
    }
}

/// <summary>A webhook delivery as the API would receive it.</summary>
public sealed record Delivery(string EventId, string Type, string PaymentIntentId, string Body, string Signature);

/// <summary>
/// Sits between the emulator and the API. By default it forwards each webhook and answers with the
/// API's status (so Stripe-style retries still happen); for a PaymentIntent marked to drop or capture,
/// it acknowledges without forwarding, keeping captured deliveries for the test to replay.
/// </summary>
public sealed class WebhookRelay : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, bool> dropped = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Delivery>> captured = new();
    private readonly ConcurrentQueue<Delivery> seen = new();
    private WebApplication? app;

    public HttpClient Target { get; set; } = null!;

    public void Drop(string paymentIntentId) => this.dropped[paymentIntentId] = true;

    public void Capture(string paymentIntentId) => this.captured.TryAdd(paymentIntentId, new ConcurrentQueue<Delivery>());

    public IReadOnlyList<Delivery> Captured(string paymentIntentId) =>
        this.captured.TryGetValue(paymentIntentId, out var q) ? q.ToList() : [];

    /// <summary>Every webhook the emulator sent, forwarded or not.</summary>
    public IReadOnlyList<Delivery> Seen(string paymentIntentId, string? type = null) =>
        this.seen.Where(d => d.PaymentIntentId == paymentIntentId && (type is null || d.Type == type)).ToList();

    public async Task<HttpResponseMessage> DeliverAsync(Delivery delivery) => await this.PostAsync(delivery.Body, delivery.Signature);

    public async Task<HttpResponseMessage> PostAsync(string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/stripe") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return await this.Target.SendAsync(request);
    }

    public async Task<string> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        this.app = builder.Build();
        this.app.MapPost("/webhooks/stripe", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var obj = root.GetProperty("data").GetProperty("object");
            var intent = obj.GetProperty("object").GetString() == "payment_intent"
                ? obj.GetProperty("id").GetString()!
                : obj.TryGetProperty("payment_intent", out var pi) && pi.ValueKind == JsonValueKind.String ? pi.GetString()! : string.Empty;
            var delivery = new Delivery(root.GetProperty("id").GetString()!, root.GetProperty("type").GetString()!, intent, body, request.Headers["Stripe-Signature"].ToString());
            this.seen.Enqueue(delivery);
            if (this.dropped.ContainsKey(intent))
            {
                return Results.Ok();
            }

            if (this.captured.TryGetValue(intent, out var queue))
            {
                queue.Enqueue(delivery);
                return Results.Ok();
            }

            using var response = await this.DeliverAsync(delivery);
            return Results.StatusCode((int)response.StatusCode);
        });
        await this.app.StartAsync();
        return this.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/webhooks/stripe";
    }

    public async ValueTask DisposeAsync()
    {
        if (this.app is not null)
        {
            await this.app.DisposeAsync();
        }
    }
}
