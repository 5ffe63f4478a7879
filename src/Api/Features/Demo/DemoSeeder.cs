using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Catalog;
using BookingAws.Shared.Domain.Customers;
using BookingAws.Shared.Domain.Staff;
using BookingAws.Shared.Domain.Tenants;
using BookingAws.Shared.Identity;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace BookingAws.Api.Features.Demo;

/// <summary>The demo business that `./platform up` shows: a kayak and meeting-room hire in London.</summary>
public static class DemoSeeder
{
    public const string Slug = "demo";
    public const string OwnerEmail = "owner@demo.example";
    public const string StaffEmail = "staff@demo.example";
    public const string CustomerEmail = "customer@demo.example";

    /// <summary>The demo people's password in the local user pool (cognito-local); never used in AWS.</summary>
    public const string DemoPassword = "Demo-passw0rd!";

    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();

        // An ops command run once per environment, writing one business's rows and linking people: not a request.
        using var rowScope = DatabaseScope.System("seeding the demo business");
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var clock = scope.ServiceProvider.GetRequiredService<IClock>();
        var logger = scope.ServiceProvider.GetRequiredService<ILogger<BookingDbContext>>();
        if (await db.Tenants.AnyAsync(t => t.Slug == Slug, ct))
        {
            logger.LogInformation("Demo business '{Slug}' already exists", Slug);
            await LinkDemoPeopleAsync(scope.ServiceProvider, db, ct);
            return;
        }

        var now = clock.GetCurrentInstant();
        var tenant = new Tenant
        {
            Slug = Slug,
            Name = "Thames Kayaks & Rooms",
            TimeZone = "Europe/London",
            Currency = "GBP",
            CreatedAt = now,
            Policy = new BookingPolicy { LeadTimeMinutes = 60, HorizonDays = 90, SlotStepMinutes = 30, BufferAfterMinutes = 15 },
        };
        db.Tenants.Add(tenant);
        db.StaffUsers.AddRange(
            new StaffUser { TenantId = tenant.Id, Email = OwnerEmail, Name = "Olivia Owner", Role = Roles.Owner, CreatedAt = now },
            new StaffUser { TenantId = tenant.Id, Email = StaffEmail, Name = "Sam Staff", Role = Roles.Staff, CreatedAt = now });

        var kayaks = new InventoryItem { TenantId = tenant.Id, Name = "Kayak", Quantity = 6, CreatedAt = now };
        var room = new InventoryItem { TenantId = tenant.Id, Name = "Meeting room", Quantity = 2, CreatedAt = now };
        var guide = new InventoryItem { TenantId = tenant.Id, Name = "Guide", Quantity = 2, CreatedAt = now };
        db.InventoryItems.AddRange(kayaks, room, guide);

        db.Packages.AddRange(
            Package(tenant, "Guided kayak tour", 120, 4500, 4, (kayaks, 1, true), (guide, 1, false)),
            Package(tenant, "Meeting room, one hour", 60, 3000, 8, (room, 1, false)),
            Package(tenant, "Free taster session", 30, 0, 2, (kayaks, 1, true)));

        foreach (var day in new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday, IsoDayOfWeek.Saturday })
        {
            db.OpeningHours.Add(new OpeningHours { TenantId = tenant.Id, Day = day, Opens = new LocalTime(9, 0), Closes = new LocalTime(17, 0) });
        }

        db.OpeningHours.Add(new OpeningHours { TenantId = tenant.Id, Day = IsoDayOfWeek.Sunday, Opens = new LocalTime(10, 0), Closes = new LocalTime(16, 0) });
        var year = now.InUtc().Year;
        db.Closures.Add(new Closure { TenantId = tenant.Id, StartDate = new LocalDate(year, 12, 25), EndDate = new LocalDate(year, 12, 26), Reason = "Christmas", CreatedAt = now });
        db.Customers.Add(new Customer { TenantId = tenant.Id, Email = CustomerEmail, Name = "Casey Customer", CreatedAt = now });

        await db.SaveChangesAsync(ct);
        await LinkDemoPeopleAsync(scope.ServiceProvider, db, ct);
        logger.LogInformation("Seeded demo business '{Slug}'", Slug);
    }

    /// <summary>
    /// Makes the demo's owner, staff member and customer people of the user pool who can sign in with
    /// <see cref="DemoPassword"/>, linked to their rows. Repeatable: a pool that was reset gets them back.
    /// </summary>
    private static async Task LinkDemoPeopleAsync(IServiceProvider services, BookingDbContext db, CancellationToken ct)
    {
        var cognito = services.GetRequiredService<CognitoClient>();
        var now = services.GetRequiredService<IClock>().GetCurrentInstant();
        foreach (var email in new[] { OwnerEmail, StaffEmail, CustomerEmail })
        {
            var user = await cognito.EnsureUserAsync(email, DemoPassword, ct);
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO people (id, cognito_sub, email, created_at) VALUES ({Guid.CreateVersion7()}, {user.Sub}, {email}, {now}) ON CONFLICT (cognito_sub) DO NOTHING",
                ct);
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE staff_users SET person_id = p.id FROM people p, tenants t WHERE p.cognito_sub = {user.Sub} AND t.id = staff_users.tenant_id AND t.slug = {Slug} AND staff_users.email = {email}",
                ct);
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE customers SET person_id = p.id FROM people p, tenants t WHERE p.cognito_sub = {user.Sub} AND t.id = customers.tenant_id AND t.slug = {Slug} AND customers.email = {email}",
                ct);
        }
    }

    private static Package Package(Tenant tenant, string name, int minutes, long price, int seats, params (InventoryItem Item, int Units, bool PerSeat)[] uses)
    {
        var package = new Package
        {
            TenantId = tenant.Id,
            Name = name,
            DurationMinutes = minutes,
            PriceMinor = price,
            Currency = tenant.Currency,
            MaxSeats = seats,
            CreatedAt = tenant.CreatedAt,
        };
        package.Inventory.AddRange(uses.Select(u => new PackageInventory { PackageId = package.Id, InventoryItemId = u.Item.Id, Units = u.Units, PerSeat = u.PerSeat }));
        return package;
    }
}
