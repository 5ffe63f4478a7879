using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Tests.Infrastructure;

namespace BookingAws.Workers.Tests.Staff;

/// <summary>An owner's invitation, emailed by the workers; one withdrawn before the queue reached it is not.</summary>
public class StaffInvitationEmailTests
{
    [Fact]
    public async Task An_invitation_is_emailed_with_the_dashboard_link_and_a_withdrawn_one_is_not()
    {
        var queues = await Platform.CreateQueuesAsync();
        var business = await Platform.SeedAsync();
        var kept = $"kept-{Guid.NewGuid():N}@example.test";
        var withdrawn = $"withdrawn-{Guid.NewGuid():N}@example.test";
        var member = new StaffUser { TenantId = business.Tenant.Id, Email = kept, Name = "", Role = Roles.Owner };
        await using (var db = Platform.NewDbContext())
        {
            db.StaffUsers.Add(member);
            await db.SaveChangesAsync();
        }

        // Removed before the workers got to it: the event names a membership that no longer exists.
        await Platform.WriteOutboxAsync(new StaffInvited(business.Tenant.Id, Guid.CreateVersion7(), withdrawn, Roles.Staff, "Grace"));
        await Platform.WriteOutboxAsync(new StaffInvited(business.Tenant.Id, member.Id, kept, Roles.Owner, "Grace"));

        await using var workers = await WorkerHost.StartAsync(WorkerHost.Settings(queues, business.Tenant.Id));
        var email = Assert.Single(await SesStore.WaitForAsync(kept, 1));
        Assert.Equal("Grace invited you to Kayak & Co <Harbour>", email.GetProperty("subject").GetString());
        var text = email.GetProperty("body").GetProperty("text").GetString()!;
        Assert.Contains($"https://portal.example.test/dashboard/?business={business.Tenant.Slug}", text, StringComparison.Ordinal);
        Assert.Contains("as an owner", text, StringComparison.Ordinal);
        Assert.Contains("Kayak &amp; Co &lt;Harbour&gt;", email.GetProperty("body").GetProperty("html").GetString()!, StringComparison.Ordinal);

        // The withdrawn invitation was handled (recorded in the inbox) without an email.
        await Eventually.TrueAsync(
            async () => await Platform.ScalarAsync(
                "SELECT count(*) FROM inbox_messages i JOIN outbox_messages o ON o.id = i.message_id WHERE o.payload->>'email' = $1 AND i.consumer = $2",
                withdrawn, "notifications.staff-invitation") == 1,
            "the withdrawn invitation to be handled");
        Assert.Empty(await SesStore.EmailsToAsync(withdrawn));
    }
}
