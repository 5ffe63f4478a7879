using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stripe;

namespace BookingAws.StripeEmulator.Tests;

/// <summary>A webhook as the product's endpoint would receive it.</summary>
public sealed record Delivery(string EventId, string Type, string ObjectId, string Body, string Signature);

/// <summary>
/// Runs the emulator and a small webhook receiver on free loopback ports, and gives tests a Stripe.net client
/// pointed at the emulator, exactly as production code would be configured.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public const string ApiKey = "sk_test_emulator";
    public const string WebhookSecret = "whsec_fixture_secret";

    // What a product endpoint would subscribe to; keeps charge.* noise out of ordering assertions.
    private const string EnabledEvents =
        "payment_intent.created,payment_intent.succeeded,payment_intent.payment_failed,payment_intent.canceled,refund.created,charge.refunded";

    private readonly ConcurrentQueue<Delivery> deliveries = new();
    private WebApplication? receiver;
    private WebApplication? emulator;
    private int failNextDeliveries;

    public string BaseUrl { get; private set; } = string.Empty;

    public HttpClient Control { get; private set; } = new();

    public IReadOnlyCollection<Delivery> Deliveries => this.deliveries;

    public async Task InitializeAsync()
    {
        var receiverBuilder = WebApplication.CreateBuilder();
        receiverBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        receiverBuilder.Logging.ClearProviders();
        this.receiver = receiverBuilder.Build();
        this.receiver.MapPost("/webhooks/stripe", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
            if (Interlocked.Decrement(ref this.failNextDeliveries) >= 0)
            {
                return Results.StatusCode(500);
            }

            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            this.deliveries.Enqueue(new Delivery(
                root.GetProperty("id").GetString()!,
                root.GetProperty("type").GetString()!,
                root.GetProperty("data").GetProperty("object").GetProperty("id").GetString()!,
                body,
                request.Headers["Stripe-Signature"].ToString()));
            return Results.Ok();
        });
        await this.receiver.StartAsync();
        var receiverUrl = Address(this.receiver);

        this.emulator = EmulatorApp.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--Emulator:WebhookUrl", receiverUrl + "/webhooks/stripe",
            "--Emulator:WebhookSecret", WebhookSecret,
            "--Emulator:WebhookRetryBaseMs", "100",
            "--Emulator:EnabledEvents", EnabledEvents,
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await this.emulator.StartAsync();
        this.BaseUrl = Address(this.emulator);
        this.Control = new HttpClient { BaseAddress = new Uri(this.BaseUrl) };
    }

    public async Task DisposeAsync()
    {
        this.Control.Dispose();
        if (this.emulator is not null)
        {
            await this.emulator.DisposeAsync();
        }

        if (this.receiver is not null)
        {
            await this.receiver.DisposeAsync();
        }
    }

    /// <summary>A client configured like production: ApiBase at the emulator, Stripe.net's own retries.</summary>
    public StripeClient Client(TimeSpan? timeout = null, int maxNetworkRetries = 2, string apiKey = ApiKey) =>
        new(new StripeClientOptions
        {
            ApiKey = apiKey,
            ApiBase = this.BaseUrl,
            HttpClient = new SystemNetHttpClient(
                new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(10) },
                maxNetworkRetries,
                enableTelemetry: false),
        });

    public void FailNextDeliveries(int count) => Interlocked.Exchange(ref this.failNextDeliveries, count);

    public async Task SetFaultsAsync(object faults)
    {
        using var response = await this.Control.PostAsJsonAsync("/test/faults", faults);
        response.EnsureSuccessStatusCode();
    }

    public async Task ClearFaultsAsync()
    {
        using var response = await this.Control.DeleteAsync(new Uri("/test/faults", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        this.FailNextDeliveries(0);
    }

    public async Task<PaymentIntent> ConfirmAsync(string paymentIntentId, string outcome = "succeeded")
    {
        using var response = await this.Control.PostAsync(
            new Uri($"/test/payment_intents/{paymentIntentId}/confirm?outcome={outcome}", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        return PaymentIntent.FromJson(await response.Content.ReadAsStringAsync());
    }

    public async Task<List<JsonElement>> RequestLogAsync()
    {
        var log = await this.Control.GetFromJsonAsync<List<JsonElement>>("/test/requests");
        return log!;
    }

    public IReadOnlyList<Delivery> DeliveriesFor(string objectId, string? type = null) =>
        this.deliveries.Where(d => d.ObjectId == objectId && (type is null || d.Type == type)).ToList();

    /// <summary>Polls until the condition holds; async work is never waited for with a fixed sleep.</summary>
    public static async Task<T> Eventually<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(25);
        }
    }

    public static Task<IReadOnlyList<Delivery>> Eventually(Func<IReadOnlyList<Delivery>> probe, int count, string what) =>
        Eventually(() => Task.FromResult(probe()), d => d.Count >= count, what);

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}

[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
{
    // Fault switches are global to the emulator, so its tests run one at a time.
    public const string Name = "stripe emulator";
}

/// <summary>Every test starts with no faults switched on.</summary>
[Collection(EmulatorCollection.Name)]
public abstract class EmulatorTest(EmulatorFixture fixture) : IAsyncLifetime
{
    protected EmulatorFixture Fixture { get; } = fixture;

    public Task InitializeAsync() => this.Fixture.ClearFaultsAsync();

    public Task DisposeAsync() => this.Fixture.ClearFaultsAsync();

    protected static Dictionary<string, string> Booking(out string bookingId)
    {
        bookingId = "bk_" + Guid.NewGuid().ToString("N");
        return new Dictionary<string, string> { ["booking_id"] = bookingId };
    }

    protected PaymentIntentService PaymentIntents(StripeClient? client = null) => new(client ?? this.Fixture.Client());

    protected Task<PaymentIntent> CreateAsync(long amount = 5000, Dictionary<string, string>? metadata = null, RequestOptions? options = null) =>
        this.PaymentIntents().CreateAsync(
            new PaymentIntentCreateOptions
            {
                Amount = amount,
                Currency = "eur",
                Metadata = metadata ?? Booking(out _),
                AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true },
            },
            options);
}
