using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BookingAws.Shared.Data;

/// <summary>Lets `dotnet ef migrations add` build the model without starting a host.</summary>
internal sealed class DesignTimeBookingDbContextFactory : IDesignTimeDbContextFactory<BookingDbContext>
{
    public BookingDbContext CreateDbContext(string[] args)
    {
        var cs = Environment.GetEnvironmentVariable("ConnectionStrings__Primary")
            ?? "Host=127.0.0.1;Port=55432;Database=bookingaws;Username=bookingaws;Password=bookingaws";
        var options = new DbContextOptionsBuilder<BookingDbContext>();
        DataServiceCollectionExtensions.Configure(options, DataServiceCollectionExtensions.BuildDataSource(cs, "design"));
        return new BookingDbContext(options.Options);
    }
}
