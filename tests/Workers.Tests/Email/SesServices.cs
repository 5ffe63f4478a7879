using Amazon.Runtime;
using BookingAws.Workers.Email;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BookingAws.Workers.Tests.Email;

/// <summary>The application's own registration (<c>AddSesEmail</c>) pointed at a given endpoint.</summary>
public static class SesServices
{
    public const string FromAddress = "bookings@bookingaws.test";

    public static ServiceProvider Build(string serviceUrl, Action<IServiceCollection>? configure = null, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Ses:ServiceUrl"] = serviceUrl,
            ["Ses:Region"] = "us-east-1",
            ["Ses:FromAddress"] = FromAddress,
            ["Ses:Timeout"] = "00:00:20",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddLogging();
        services.AddSesEmail(new BasicAWSCredentials("local", "local"));
        configure?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
