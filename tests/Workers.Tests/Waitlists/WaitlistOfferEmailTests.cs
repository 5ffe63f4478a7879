using BookingAws.Shared.Application.Bookings;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Catalog;
using BookingAws.Shared.Domain.Customers;
using BookingAws.Shared.Domain.Waitlists;
using BookingAws.Workers.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace BookingAws.Workers.Tests.Waitlists;

/// <summary>
/// A cancellation offers the freed seat to the first person waiting, in its own transaction, and the offer reaches
/// their inbox through the real relay, SQS, consumer and SES server: with the link to the held booking and, for a guest,
/// the one-time code that proves the address. The second person waiting hears nothing.
/// </summary>
public class WaitlistOfferEmailTests
{
    [Fact]
    public async Task A_cancellation_emails_the_first_guest_waiting_an_offer_with_the_manage_link_and_the_code()
    {
        var queues = await Platform.CreateQueuesAsync();
        var seed = await Platform.SeedAsync();
        var zone = DateTimeZoneProviders.Tzdb[seed.Tenant.TimeZone];
        var date = SystemClock.Instance.GetCurrentInstant().InZone(zone).Date.PlusDays(10);
        var starts = date.At(new LocalTime(10, 0)).InZoneStrictly(zone).ToInstant();
        Customer first;
        Customer second;
        await using (var db = Platform.NewDbContext())
        {
            foreach (var day in Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None))
            {
                db.OpeningHours.Add(new OpeningHours { TenantId = seed.Tenant.Id, Day = day, Opens = new LocalTime(8, 0), Closes = new LocalTime(20, 0) });
            }

            var item = new InventoryItem { TenantId = seed.Tenant.Id, Name = "Kayak", Quantity = 2, CreatedAt = SystemClock.Instance.GetCurrentInstant() };
            db.InventoryItems.Add(item);
            first = new Customer { TenantId = seed.Tenant.Id, Email = $"w1-{Guid.NewGuid():N}@example.com", Name = "Grace Hopper" };
            second = new Customer { TenantId = seed.Tenant.Id, Email = $"w2-{Guid.NewGuid():N}@example.com", Name = "Alan Turing" };
            db.Customers.AddRange(first, second);
            await db.SaveChangesAsync();
            await Platform.ScalarAsync(
                "INSERT INTO package_inventory (package_id, inventory_item_id, units, per_seat) VALUES ($1, $2, 1, true) RETURNING 1", seed.Package.Id, item.Id);
        }

        var booking = await Platform.AddBookingAsync(seed, starts, seats: 2);
        var waiting = new List<WaitlistEntry>();
        await using (var db = Platform.NewDbContext())
        {
            foreach (var (customer, seats) in new[] { (first, 2), (second, 1) })
            {
                var now = SystemClock.Instance.GetCurrentInstant();
                var entry = new WaitlistEntry
                {
                    Id = Guid.CreateVersion7(),
                    TenantId = seed.Tenant.Id,
                    PackageId = seed.Package.Id,
                    CustomerId = customer.Id,
                    StartsAt = starts,
                    Seats = seats,
                    Status = WaitlistStatus.Waiting,
                    GuestMustProveEmail = true,
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                db.WaitlistEntries.Add(entry);
                await db.SaveChangesAsync();
                waiting.Add(entry);
            }
        }

        await using var workers = await WorkerHost.StartAsync(WorkerHost.Settings(queues, seed.Tenant.Id));
        var cancelled = await workers.Services.GetRequiredService<CancelBooking>()
            .RunAsync(seed.Tenant.Id, booking.Id, Actor.Business, "Moved to a private event", CancellationToken.None);
        Assert.IsType<ChangeOutcome.Done>(cancelled);

        // Two seats came free: the first entry (two seats) takes both; the second keeps waiting.
        var offered = await Platform.ScalarAsync(
            "SELECT count(*) FROM waitlist_entries WHERE tenant_id = $1 AND status = 'offered' AND id = $2", seed.Tenant.Id, waiting[0].Id);
        Assert.Equal(1, offered);
        Assert.Equal(1, await Platform.ScalarAsync("SELECT count(*) FROM waitlist_entries WHERE id = $1 AND status = 'waiting'", waiting[1].Id));
        var email = Assert.Single(await SesStore.WaitForAsync(first.Email, 1));

        Guid offerId;
        await using (var read = Platform.Db.CreateCommand("SELECT booking_id FROM waitlist_entries WHERE id = $1"))
        {
            read.Parameters.AddWithValue(waiting[0].Id);
            offerId = (Guid)(await read.ExecuteScalarAsync())!;
        }

        var links = new BookingLinks(Microsoft.Extensions.Options.Options.Create(
            new BookingLinkOptions { SigningKey = WorkerHost.LinkKey, PortalBaseUrl = "https://portal.example.test" }));
        var subject = email.GetProperty("subject").GetString()!;
        var text = email.GetProperty("body").GetProperty("text").GetString()!;
        Assert.StartsWith("A place came free: Sunset paddle on", subject, StringComparison.Ordinal);
        Assert.Contains($"https://portal.example.test/?business={seed.Tenant.Slug}&booking={offerId:D}#token={links.TokenFor(offerId)}", text, StringComparison.Ordinal);
        Assert.Contains($"enter the code {links.EmailProofCode(offerId, first.Email)}", text, StringComparison.Ordinal);
        Assert.Contains("It is held for you until", text, StringComparison.Ordinal);

        // One email only (no separate code email for the offer's hold), and nothing to the one still waiting.
        await Eventually.TrueAsync(
            async () => await Platform.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE tenant_id = $1 AND sent_at IS NULL", seed.Tenant.Id) == 0,
            "the relay to publish the cancellation and the offer");
        Assert.Single(await SesStore.EmailsToAsync(first.Email));
        Assert.Empty(await SesStore.EmailsToAsync(second.Email));
    }
}
