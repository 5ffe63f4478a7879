using BookingAws.Api.Tests.Infrastructure;
using BookingAws.Shared.Application.Bookings;
using BookingAws.Shared.Data;
using BookingAws.Shared.Data.Bookings;
using BookingAws.Shared.Data.Waitlists;
using BookingAws.Shared.Domain.Bookings;
using NodaTime;
using Npgsql;

namespace BookingAws.Api.Tests.Bookings;

/// <summary>The booking use cases against the test database, wired to a clock of the test's choosing.</summary>
internal sealed class BookingCoreAt : IDisposable
{
    private readonly BookingCatalogCache catalog = new();
    private readonly NpgsqlDataSource db;

    /// <summary>As the workers run them: the app's role with the system scope for the session (the hold scopes itself).</summary>
    /// <summary><paramref name="links"/>: the API's, for the guest's email proof (derived codes need its keys).</summary>
    public BookingCoreAt(IClock clock, BookingLinks? links = null)
    {
        db = DataServiceCollectionExtensions.BuildDataSource(DataServiceCollectionExtensions.WithSystemScope(PlatformDatabase.App), "test-core");
        var changes = new BookingChanges(db, clock);
        var sweeps = new BookingSweeps(db, clock);
        Hold = new HoldBooking(new HoldTransaction(db, catalog, clock));
        Confirm = new ConfirmBooking(changes);
        Cancel = new CancelBooking(changes);
        Reschedule = new RescheduleBooking(changes);
        ExpireHolds = new ExpireHolds(sweeps, Waitlists = new WaitlistStore(db, catalog, clock));
        CompleteBookings = new CompleteBookings(sweeps);
        ProveEmail = links is null ? null : new ProveGuestEmail(new EmailProofStore(db), changes, Cancel, links);
    }

    public HoldBooking Hold { get; }
    public ConfirmBooking Confirm { get; }
    public CancelBooking Cancel { get; }
    public RescheduleBooking Reschedule { get; }
    public ExpireHolds ExpireHolds { get; }
    public CompleteBookings CompleteBookings { get; }
    public ProveGuestEmail? ProveEmail { get; }
    public WaitlistStore Waitlists { get; }

    public void Dispose()
    {
        catalog.Dispose();
        db.Dispose();
    }
}
