using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Identity;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Tests.Infrastructure;
using NodaTime;

namespace BookingAws.Workers.Tests.Email;

/// <summary>A customer's request for a sign-in code emails the code through the real relay, SQS, consumer and SES server.</summary>
public class CustomerSignInCodeEmailTests
{
    [Fact]
    public async Task A_sign_in_request_emails_the_code_the_api_accepts_for_that_address_only()
    {
        var queues = await Platform.CreateQueuesAsync();
        var business = await Platform.SeedAsync();
        var codes = new CustomerSignInCodes(Microsoft.Extensions.Options.Options.Create(
            new BookingLinkOptions { SigningKey = WorkerHost.LinkKey, PortalBaseUrl = "https://portal.example.test" }));
        var address = $"signin-{Guid.NewGuid():N}@example.test";
        var challenge = codes.NewChallenge(address, SystemClock.Instance.GetCurrentInstant());
        await Platform.WriteOutboxAsync(new CustomerSignInRequested(business.Tenant.Id, address, challenge.Value, challenge.ExpiresAt.ToDateTimeOffset()));

        await using var workers = await WorkerHost.StartAsync(WorkerHost.Settings(queues, business.Tenant.Id));
        var email = Assert.Single(await SesStore.WaitForAsync(address, 1));

        var subject = email.GetProperty("subject").GetString()!;
        var text = email.GetProperty("body").GetProperty("text").GetString()!;
        var code = subject[..6];
        Assert.Equal($"{code} is your sign-in code for {business.Tenant.Name}", subject);
        Assert.Contains(code, text, StringComparison.Ordinal);
        Assert.Contains("If you did not ask to sign in, ignore this email", text, StringComparison.Ordinal);
        var now = SystemClock.Instance.GetCurrentInstant();
        Assert.Equal(SignInCodeCheck.Valid, codes.Check(challenge.Value, address, code, now));
        Assert.NotEqual(SignInCodeCheck.Valid, codes.Check(challenge.Value, "someone-else@example.test", code, now));
    }
}
