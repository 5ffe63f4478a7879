using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Application.Bookings;
using BookingAws.Shared.Data;
using BookingAws.Shared.Domain.Bookings;
using BookingAws.Shared.Domain.Catalog;
using BookingAws.Shared.Domain.Tenants;
using CsCheck;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;

namespace BookingAws.Api.Tests.Bookings;

/// <summary>
/// Random sequences of hold, confirm, cancel, reschedule and clock-advance-then-expire, run against the
/// real database through the booking use cases and, in parallel, against a tiny in-test model.
/// After every step: each outcome matches the model, every booking's status matches, availability
/// (from the database's allocations) equals capacity minus what the model holds or has booked, and
/// no instant uses more inventory than exists.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BookingPropertyTests(ApiFactory api)
{
    private const int Step = 30;
    private const int DurationMinutes = 60;
    private const int MaxSeats = 3;

    private enum Op
    {
        Hold,
        Confirm,
        Cancel,
        Reschedule,
        Expire,
    }

    private sealed class ModelBooking
    {
        public required Guid Id { get; init; }
        public required int Seats { get; init; }
        public required int StartIndex { get; set; }
        public required string Status { get; set; }
        public required Instant ExpiresAt { get; init; }
    }

    [Fact]
    public async Task Random_booking_histories_never_oversell_and_availability_matches_the_model()
    {
        var gen =
            from quantity in Gen.Int[1, 4]
            from buffer in Gen.OneOf(0, 15)
            from ops in Gen.Select(Gen.Enum<Op>(), Gen.Int[0, 4], Gen.Int[1, MaxSeats], Gen.Int[0, 20]).Array[5, 20]
            select (quantity, buffer, ops);

        await gen.SampleAsync(c => RunAsync(c.quantity, c.buffer, c.ops), iter: 30, threads: 1);
    }

    private async Task RunAsync(int quantity, int buffer, (Op Op, int A, int B, int C)[] ops)
    {
        var clock = new FakeClock(SystemClock.Instance.GetCurrentInstant());
        using var store = new BookingCoreAt(clock, api.Services.GetRequiredService<BookingLinks>());
        var (tenant, item, package) = await SeedAsync(quantity, buffer);
        var policy = tenant.Policy;
        var day = clock.GetCurrentInstant().InUtc().Date.PlusDays(2);
        var starts = Enumerable.Range(0, 5).Select(i => day.At(new LocalTime(10, 0)).InUtc().ToInstant() + Duration.FromMinutes(Step * i)).ToArray();
        var model = new List<ModelBooking>();

        (Instant From, Instant To) Window(int index) =>
            (starts[index] - Duration.FromMinutes(buffer), starts[index] + Duration.FromMinutes(DurationMinutes + buffer));

        List<Allocation> ModelAllocations(Guid? excluding = null) => model
            .Where(b => b.Id != excluding && (b.Status == BookingStatus.Confirmed || (b.Status == BookingStatus.Held && b.ExpiresAt > clock.GetCurrentInstant())))
            .Select(b => new Allocation(item.Id, b.Seats, Window(b.StartIndex).From, Window(b.StartIndex).To))
            .ToList();

        bool Fits(int index, int seats, Guid? excluding = null)
        {
            var (f, t) = Window(index);
            return Capacity.PeakUse(ModelAllocations(excluding), item.Id, f, t) + seats <= quantity;
        }

        ModelBooking? Pick(int k) => model.Count == 0 ? null : model[k % model.Count];

        foreach (var (op, a, b, c) in ops)
        {
            switch (op)
            {
                case Op.Hold:
                    var expected = Fits(a, b);
                    var email = $"{Guid.NewGuid():N}@example.test";
                    var hold = await store.Hold.RunAsync(
                        new HoldCommand(tenant.Slug, package.Id, starts[a], b, new BookingCustomer(null, "P", email), Guid.NewGuid().ToString(), "h"),
                        (_, _) => "{}",
                        CancellationToken.None);
                    if (expected)
                    {
                        var created = Assert.IsType<HoldOutcome.Created>(hold);

                        // The guest enters the emailed code at once, so the model's confirmations apply (a paid hold stays held).
                        var code = api.Services.GetRequiredService<BookingLinks>().EmailProofCode(created.Booking.Id, email);
                        Assert.IsType<EmailProofOutcome.Proven>(await store.ProveEmail!.RunAsync(created.Booking.Id, code, CancellationToken.None));
                        model.Add(new ModelBooking { Id = created.Booking.Id, Seats = b, StartIndex = a, Status = BookingStatus.Held, ExpiresAt = created.Booking.ExpiresAt!.Value });
                    }
                    else
                    {
                        Assert.IsType<HoldOutcome.NoCapacity>(hold);
                    }

                    break;
                case Op.Confirm when Pick(a) is { } target:
                    var confirm = await store.Confirm.RunAsync(tenant.Id, target.Id, null, CancellationToken.None);
                    if (target.Status == BookingStatus.Held && target.ExpiresAt > clock.GetCurrentInstant())
                    {
                        Assert.IsType<ChangeOutcome.Done>(confirm);
                        target.Status = BookingStatus.Confirmed;
                    }
                    else
                    {
                        Assert.IsType<ChangeOutcome.WrongState>(confirm);
                    }

                    break;
                case Op.Cancel when Pick(a) is { } target:
                    var cancel = await store.Cancel.RunAsync(tenant.Id, target.Id, Actor.Business, null, CancellationToken.None);
                    if (target.Status is BookingStatus.Held or BookingStatus.Confirmed)
                    {
                        Assert.IsType<ChangeOutcome.Done>(cancel);
                        target.Status = BookingStatus.Cancelled;
                    }
                    else
                    {
                        Assert.IsType<ChangeOutcome.WrongState>(cancel);
                    }

                    break;
                case Op.Reschedule when Pick(a) is { } target:
                    var move = await store.Reschedule.RunAsync(tenant.Id, target.Id, starts[b % starts.Length], Actor.Business, CancellationToken.None);
                    if (target.Status != BookingStatus.Confirmed)
                    {
                        Assert.IsType<ChangeOutcome.WrongState>(move);
                    }
                    else if (Fits(b % starts.Length, target.Seats, target.Id))
                    {
                        Assert.IsType<ChangeOutcome.Done>(move);
                        target.StartIndex = b % starts.Length;
                    }
                    else
                    {
                        Assert.IsType<ChangeOutcome.NoCapacity>(move);
                    }

                    break;
                case Op.Expire:
                    clock.AdvanceMinutes(c);

                    // Held to this business by row-level security: the clock is ahead, and other tests' holds share the database.
                    using (DatabaseScope.Tenant(tenant.Id))
                    {
                        while (await store.ExpireHolds.RunAsync(500, CancellationToken.None) > 0)
                        {
                        }
                    }

                    foreach (var lapsed in model.Where(m => m.Status == BookingStatus.Held && m.ExpiresAt <= clock.GetCurrentInstant()))
                    {
                        lapsed.Status = BookingStatus.Expired;
                    }

                    break;
            }

            await CheckAsync(tenant.Id, item, policy, model, starts, Window, ModelAllocations, clock.GetCurrentInstant());
        }
    }

    private async Task CheckAsync(
        Guid tenantId, InventoryItem item, BookingPolicy policy, List<ModelBooking> model, Instant[] starts,
        Func<int, (Instant From, Instant To)> window, Func<Guid?, List<Allocation>> modelAllocations, Instant now)
    {
        await using var scope = api.Services.CreateAsyncScope();
        using var rowScope = DatabaseScope.Tenant(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        db.TenantId = tenantId;
        var statuses = await db.Bookings.ToDictionaryAsync(b => b.Id, b => b.Status);
        Assert.Equal(model.ToDictionary(m => m.Id, m => m.Status), statuses);

        var stored = (await db.BookingAllocations.Where(a => a.HeldUntil == null || a.HeldUntil > now).ToListAsync())
            .ConvertAll(a => new Allocation(a.InventoryItemId, a.Units, a.OccupiedFrom, a.OccupiedTo));
        ItemUse[] uses = [new(item.Id, 1, true, item.Quantity)];
        for (var i = 0; i < starts.Length; i++)
        {
            var (f, t) = window(i);
            Assert.Equal(Capacity.MaxSeats(uses, modelAllocations(null), f, t, MaxSeats), Capacity.MaxSeats(uses, stored, f, t, MaxSeats));
            Assert.InRange(Capacity.PeakUse(stored, item.Id, f, t), 0, item.Quantity);
        }
    }

    private async Task<(Tenant Tenant, InventoryItem Item, Package Package)> SeedAsync(int quantity, int buffer)
    {
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var now = SystemClock.Instance.GetCurrentInstant();
        var tenant = new Tenant
        {
            Slug = "p-" + Guid.NewGuid().ToString("N")[..12],
            Name = "Property",
            TimeZone = "Etc/UTC",
            Currency = "GBP",
            CreatedAt = now,
            Policy = new BookingPolicy { LeadTimeMinutes = 0, SlotStepMinutes = Step, BufferBeforeMinutes = buffer, BufferAfterMinutes = buffer, HoldMinutes = 10 },
        };
        var item = new InventoryItem { TenantId = tenant.Id, Name = "Boat", Quantity = quantity, CreatedAt = now };
        var package = new Package { TenantId = tenant.Id, Name = "Trip", Currency = "GBP", DurationMinutes = DurationMinutes, PriceMinor = 500, MaxSeats = MaxSeats, CreatedAt = now };
        package.Inventory.Add(new PackageInventory { PackageId = package.Id, InventoryItemId = item.Id, Units = 1, PerSeat = true });
        using var rowScope = DatabaseScope.Tenant(tenant.Id);
        db.AddRange(tenant, item, package);
        db.OpeningHours.AddRange(Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None)
            .Select(d => new OpeningHours { TenantId = tenant.Id, Day = d, Opens = new LocalTime(0, 0), Closes = new LocalTime(23, 30) }));
        await db.SaveChangesAsync();
        return (tenant, item, package);
    }
}
