// Placeholder until the API lands: the platform script's contract is `BookingAws.Api migrate|seed-demo`.
if (args.Length > 0 && args[0] is "migrate" or "seed-demo")
{
    Console.WriteLine($"{args[0]}: nothing to do yet");
    return;
}

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/health/live", () => "ok");
app.MapGet("/health/ready", () => "ok");
app.Run();

public partial class Program;
