using BookingAws.Shared.Hosting;
using BookingAws.Workers;
using BookingAws.Workers.Ops;

if (args.Length > 0 && args[0] == "ops")
{
    return await OpsCli.RunAsync(args[1..]);
}

// Content root is the app folder, so appsettings.json and Email/Templates/ are found from any working directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults("bookingaws-workers");
builder.AddWorkerServices();
await builder.Build().RunAsync();
return 0;
