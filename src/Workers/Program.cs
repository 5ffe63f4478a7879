using BookingAws.Shared.Hosting;
using BookingAws.Workers;
using BookingAws.Workers.Ops;

if (args.Length > 0 && args[0] == "ops")
{
    return await OpsCli.RunAsync(args[1..]);
}

var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults("bookingaws-workers");
builder.AddWorkerServices();
await builder.Build().RunAsync();
return 0;
