using BookingAws.Shared.Messaging;
using BookingAws.Workers.Email;
using BookingAws.Workers.Handlers;
using BookingAws.Workers.Tests.Infrastructure;
using NodaTime;

namespace BookingAws.Workers.Tests.Email;

/// <summary>Every booking email goes out tagged with its tenant and kind, so SES events can be traced back to the business.</summary>
public class EmailTaggingTests
{
    [Fact]
    public async Task Confirmation_and_receipt_carry_the_tenant_and_their_kind()
    {
        var queues = await Platform.CreateQueuesAsync();
        var seed = await Platform.SeedAsync();
        await using var ses = new SesRecorder(Platform.SesUrl);
        var booking = await Platform.AddBookingAsync(seed, Instant.FromUtc(2027, 5, 2, 9, 0), receiptNumber: 77);
        await Platform.WriteOutboxAsync(new BookingConfirmed(Platform.Snapshot(booking), DateTimeOffset.UtcNow, booking.PaymentIntentId, 77));

        await using var workers = await WorkerHost.StartAsync(WorkerHost.Settings(queues, seed.Tenant.Id, sesUrl: ses.Url));
        await SesStore.WaitForAsync(seed.Customer.Email, 2);

        var tags = ses.TagsTo(seed.Customer.Email);
        Assert.Equal(2, tags.Count);
        Assert.All(tags, t => Assert.Equal(seed.Tenant.Id.ToString("D"), t[EmailTagNames.TenantId]));
        Assert.Equal(
            [BookingConfirmedHandler.ConfirmationTemplate, BookingConfirmedHandler.ReceiptTemplate],
            tags.Select(t => t[EmailTagNames.Kind]).Order(StringComparer.Ordinal));
    }
}
