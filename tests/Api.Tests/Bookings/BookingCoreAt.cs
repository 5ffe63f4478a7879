using BookingAws.Shared.Application.Bookings;
using BookingAws.Shared.Data;
using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Domain.Bookings;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace BookingAws.Api.Tests.Bookings;

/// <summary>The booking use cases against the test database, wired to a clock of the test's choosing.</summary>
internal sealed class BookingCoreAt : IDisposable
{
    private readonly BookingCatalogCache catalog = new();

    public BookingCoreAt(IServiceProvider services, IClock clock)
    {
        var db = services.GetRequiredKeyedService<NpgsqlDataSource>(DataSources.Primary);
        var changes = new BookingChanges(db, clock);
        var sweeps = new BookingSweeps(db, clock);
        Hold = new HoldBooking(new HoldTransaction(db, catalog, clock));
        Confirm = new ConfirmBooking(changes);
        Cancel = new CancelBooking(changes);
        Reschedule = new RescheduleBooking(changes);
        ExpireHolds = new ExpireHolds(sweeps);
        CompleteBookings = new CompleteBookings(sweeps);
        ProveEmail = new ProveGuestEmail(new EmailProofStore(db), changes, Cancel, services.GetRequiredService<BookingLinks>());
    }

    public HoldBooking Hold { get; }
    public ConfirmBooking Confirm { get; }
    public CancelBooking Cancel { get; }
    public RescheduleBooking Reschedule { get; }
    public ExpireHolds ExpireHolds { get; }
    public CompleteBookings CompleteBookings { get; }
    public ProveGuestEmail ProveEmail { get; }

    public void Dispose() => catalog.Dispose();
}
