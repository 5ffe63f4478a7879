using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Catalog;
using BookingAws.Shared.Domain.Customers;
using BookingAws.Shared.Domain.Tenants;
using BookingAws.Shared.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace BookingAws.Workers.Tests.Infrastructure;

/// <summary>The services the platform script started, addressed through the same env vars the apps read.</summary>
public static class Platform
{
    public static readonly string Primary = Env("ConnectionStrings__Primary", "Host=127.0.0.1;Port=55432;Database=bookingaws;Username=bookingaws;Password=bookingaws");
    public static readonly string Replica = Env("ConnectionStrings__Replica", "Host=127.0.0.1;Port=55433;Database=bookingaws;Username=bookingaws;Password=bookingaws");
    public static readonly string SqsUrl = Env("Sqs__ServiceUrl", "http://127.0.0.1:59324");
    public static readonly string SesUrl = Env("Ses__ServiceUrl", "http://127.0.0.1:58005");

    private static readonly Lazy<ServiceProvider> Services = new(() =>
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? "local");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? "local");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Primary"] = Primary,
            ["ConnectionStrings:Replica"] = Replica,
        }).Build();
        var services = new ServiceCollection();
        // As the workers register it: the system scope for every session (tests seed and inspect any business).
        services.AddBookingData(configuration, systemScope: true);
        return services.BuildServiceProvider();
    });

    public static NpgsqlDataSource Db => Services.Value.GetRequiredKeyedService<NpgsqlDataSource>(DataSources.Primary);

    public static IAmazonSQS Sqs { get; } = new AmazonSQSClient(new BasicAWSCredentials("local", "local"), new AmazonSQSConfig { AuthenticationRegion = "us-east-1", ServiceURL = SqsUrl });

    public static async Task<string> QueueUrlAsync(string name) => (await Sqs.GetQueueUrlAsync(name)).QueueUrl;

    /// <summary>Puts <paramref name="message"/> on a queue as the outbox relay would, under a known message id.</summary>
    public static async Task SendAsync<TMessage>(string queue, TMessage message, Guid messageId, Guid? tenantId = null)
        where TMessage : IMessage
    {
        var attributes = new Dictionary<string, MessageAttributeValue>
        {
            [MessageAttributes.Type] = new() { DataType = "String", StringValue = TMessage.WireName },
            [MessageAttributes.MessageId] = new() { DataType = "String", StringValue = messageId.ToString() },
        };
        if (tenantId is { } tenant)
        {
            attributes[MessageAttributes.TenantId] = new() { DataType = "String", StringValue = tenant.ToString() };
        }

        await Sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = await QueueUrlAsync(queue),
            MessageBody = System.Text.Json.JsonSerializer.Serialize(message, Shared.Messaging.Outbox.Json),
            MessageAttributes = attributes,
        });
    }

    public static BookingDbContext NewDbContext() => Services.Value.CreateScope().ServiceProvider.GetRequiredService<BookingDbContext>();

    /// <summary>Creates each concern's queue with a unique suffix, each with a DLQ after <paramref name="maxReceives"/>.</summary>
    public static async Task<TestQueues> CreateQueuesAsync(int maxReceives = 5)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var names = new TestQueues($"t-{suffix}-notifications", $"t-{suffix}-analytics", $"t-{suffix}-payments", $"t-{suffix}-availability", $"t-{suffix}-email-events", $"t-{suffix}-webhooks");
        foreach (var name in new[] { names.Notifications, names.Analytics, names.Payments, names.Availability, names.EmailEvents, names.Webhooks })
        {
            var dlq = await Sqs.CreateQueueAsync($"{name}-dlq");
            var arn = (await Sqs.GetQueueAttributesAsync(dlq.QueueUrl, ["QueueArn"])).QueueARN;
            await Sqs.CreateQueueAsync(new CreateQueueRequest
            {
                QueueName = name,
                Attributes = new Dictionary<string, string>
                {
                    ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{arn}}","maxReceiveCount":"{{maxReceives}}"}""",
                },
            });
        }

        return names;
    }

    public static async Task<Seed> SeedAsync(string zone = "Europe/London", long unitPriceMinor = 2500)
    {
        await using var db = NewDbContext();
        var tenant = new Tenant { Slug = "t-" + Guid.NewGuid().ToString("N")[..20], Name = "Kayak & Co <Harbour>", TimeZone = zone, Currency = "GBP" };
        db.Tenants.Add(tenant);
        var package = new Package { TenantId = tenant.Id, Name = "Sunset paddle", DurationMinutes = 90, PriceMinor = unitPriceMinor, Currency = "GBP", MaxSeats = 6 };
        db.Packages.Add(package);
        var customer = new Customer { TenantId = tenant.Id, Email = $"c-{Guid.NewGuid():N}@example.com", Name = "Ada Lovelace" };
        db.Customers.Add(customer);
        await db.SaveChangesAsync();
        return new Seed(tenant, package, customer);
    }

    public static async Task<Booking> AddBookingAsync(Seed seed, Instant startsAt, int seats = 2, string status = BookingStatus.Confirmed, int? receiptNumber = null)
    {
        await using var db = NewDbContext();
        var booking = new Booking
        {
            Id = Guid.CreateVersion7(),
            TenantId = seed.Tenant.Id,
            PackageId = seed.Package.Id,
            CustomerId = seed.Customer.Id,
            Status = status,
            Seats = seats,
            StartsAt = startsAt,
            EndsAt = startsAt + Duration.FromMinutes(seed.Package.DurationMinutes),
            AmountMinor = seed.Package.PriceMinor * seats,
            Currency = "GBP",
            CreatedAt = SystemClock.Instance.GetCurrentInstant(),
            UpdatedAt = SystemClock.Instance.GetCurrentInstant(),
            ConfirmedAt = status == BookingStatus.Confirmed ? SystemClock.Instance.GetCurrentInstant() : null,
            PaymentIntentId = receiptNumber is null ? null : "pi_" + Guid.NewGuid().ToString("N"),
            ReceiptNumber = receiptNumber,
        };
        db.Bookings.Add(booking);
        await db.SaveChangesAsync();
        return booking;
    }

    public static BookingSnapshot Snapshot(Booking b, string? status = null) =>
        new(b.Id, b.TenantId, b.PackageId, b.CustomerId, status ?? b.Status, b.Seats, b.StartsAt.ToDateTimeOffset(), b.EndsAt.ToDateTimeOffset(), b.AmountMinor, b.Currency);

    public static async Task WriteOutboxAsync<TEvent>(TEvent evt)
        where TEvent : ITenantEvent
    {
        await using var connection = await Db.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Shared.Messaging.Outbox.Insert(evt, SystemClock.Instance.GetCurrentInstant()));
        await batch.ExecuteNonQueryAsync();
    }

    public static async Task<long> ScalarAsync(string sql, params object[] values)
    {
        await using var cmd = Db.CreateCommand(sql);
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;
}

public sealed record TestQueues(string Notifications, string Analytics, string Payments, string Availability, string EmailEvents, string Webhooks);

public sealed record Seed(Tenant Tenant, Package Package, Customer Customer);
