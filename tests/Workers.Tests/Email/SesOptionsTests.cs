using Amazon.Runtime;
using BookingAws.Workers.Email;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BookingAws.Workers.Tests.Email;

/// <summary>The sender and region come from the stage's configuration, never from a built-in default that only works locally.</summary>
public class SesOptionsTests
{
    [Fact]
    public async Task Production_without_a_sender_refuses_to_start_and_says_what_to_set()
    {
        using var host = BuildHost(Environments.Production, new() { ["Ses:Region"] = "eu-west-2" });

        // ValidateOnStart reports every failing options type together, as an AggregateException.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("Ses:FromAddress is required outside Development", error.Message, StringComparison.Ordinal);
        Assert.Contains("Ses__FromAddress", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_uses_the_configured_sender_and_region()
    {
        using var host = BuildHost(Environments.Production, new() { ["Ses:Region"] = "eu-west-2", ["Ses:FromAddress"] = "bookings@mail.example.com" });
        await host.StartAsync();

        var options = host.Services.GetRequiredService<IOptions<SesOptions>>().Value;

        Assert.Equal("bookings@mail.example.com", options.FromAddress);
        Assert.Equal("eu-west-2", options.Region);
        Assert.Equal(new Uri("https://email.eu-west-2.amazonaws.com"), options.ResolveServiceUri());
        await host.StopAsync();
    }

    [Fact]
    public async Task Development_keeps_a_local_sender()
    {
        using var host = BuildHost(Environments.Development, new() { ["Ses:Region"] = "eu-west-2" });
        await host.StartAsync();

        Assert.Equal(SesOptions.DevelopmentFromAddress, host.Services.GetRequiredService<IOptions<SesOptions>>().Value.FromAddress);
        await host.StopAsync();
    }

    [Fact]
    public void No_region_anywhere_fails_validation_with_a_clear_message()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ses:FromAddress"] = "bookings@mail.example.com",
        }).Build());
        services.AddLogging();
        services.AddSesEmail(new BasicAWSCredentials("local", "local"));
        services.PostConfigure<SesOptions>(o => o.Region = string.Empty); // as if neither environment nor metadata had one
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SesOptions>>().Value);

        Assert.Contains("no AWS region was found", error.Message, StringComparison.Ordinal);
    }

    private static IHost BuildHost(string environment, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddSesEmail(new BasicAWSCredentials("local", "local"));
        return builder.Build();
    }
}
