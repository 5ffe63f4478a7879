using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Tests.Infrastructure;
using NodaTime;

namespace BookingAws.Workers.Tests.Email;

/// <summary>A guest's hold emails the one-time code through the real relay, SQS, consumer and SES server; other holds email nothing.</summary>
public class GuestEmailProofEmailTests
{
    [Fact]
    public async Task A_guests_hold_emails_the_code_the_api_accepts_and_a_signed_in_customers_hold_emails_nothing()
    {
        var queues = await Platform.CreateQueuesAsync();
        var guest = await Platform.SeedAsync();
        var starts = Instant.FromUtc(2027, 3, 28, 9, 30);
        var guestHold = await Platform.AddBookingAsync(guest, starts, seats: 1, status: BookingStatus.Held);

        // The same customer's other hold, made signed in: nothing to prove.
        var signedInHold = await Platform.AddBookingAsync(guest, starts + Duration.FromHours(2), seats: 1, status: BookingStatus.Held);
        var expires = DateTimeOffset.UtcNow.AddMinutes(10);
        await Platform.WriteOutboxAsync(new BookingHeld(Platform.Snapshot(guestHold), expires, EmailProofRequired: true));
        await Platform.WriteOutboxAsync(new BookingHeld(Platform.Snapshot(signedInHold), expires));

        await using var workers = await WorkerHost.StartAsync(WorkerHost.Settings(queues, guest.Tenant.Id));
        var email = Assert.Single(await SesStore.WaitForAsync(guest.Customer.Email, 1));

        // The code in the email is the one the API checks (same link key), for this booking and address only.
        var links = new BookingLinks(Microsoft.Extensions.Options.Options.Create(
            new BookingLinkOptions { SigningKey = WorkerHost.LinkKey, PortalBaseUrl = "https://portal.example.test" }));
        var code = links.EmailProofCode(guestHold.Id, guest.Customer.Email);
        var subject = email.GetProperty("subject").GetString()!;
        var text = email.GetProperty("body").GetProperty("text").GetString()!;
        Assert.StartsWith(code, subject, StringComparison.Ordinal);
        Assert.Contains(code, text, StringComparison.Ordinal);
        Assert.Contains("If this was not you, ignore this email", text, StringComparison.Ordinal);
        Assert.True(links.IsEmailProofCode(guestHold.Id, guest.Customer.Email, code));
        Assert.False(links.IsEmailProofCode(signedInHold.Id, guest.Customer.Email, code));

        // The signed-in hold went through the same queue and sent nothing.
        await Eventually.TrueAsync(
            async () => await Platform.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE tenant_id = $1 AND sent_at IS NULL", guest.Tenant.Id) == 0,
            "the relay to publish both holds");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(await SesStore.EmailsToAsync(guest.Customer.Email));
    }
}
