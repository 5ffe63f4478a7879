using BookingAws.Shared.Data;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Sqs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BookingAws.Workers.Ops;

/// <summary><c>BookingAws.Workers ops …</c>: operator commands sharing the workers' configuration.</summary>
public static class OpsCli
{
    public static Task<int> RunAsync(string[] args, IAnsiConsole? console = null, IEnumerable<KeyValuePair<string, string?>>? configuration = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }

        builder.Logging.ClearProviders();
        builder.Services.AddBookingData(builder.Configuration, systemScope: true);
        builder.Services.AddSqs();
        builder.Services.AddSingleton<QueueResolver>();
        builder.Services.AddSingleton<DeadLetters>();

        var app = new CommandApp(new TypeRegistrar(builder.Services));
        app.Configure(config =>
        {
            config.SetApplicationName("BookingAws.Workers ops");
            if (console is not null)
            {
                config.ConfigureConsole(console);
            }

            config.PropagateExceptions();
            config.AddBranch("dlq", dlq =>
            {
                dlq.SetDescription("Dead-letter queues");
                dlq.AddCommand<DlqListCommand>("list").WithDescription("Show dead-lettered messages with receive counts and their last error");
                dlq.AddCommand<DlqRedriveCommand>("redrive").WithDescription("Move dead-lettered messages back to their source queue");
            });
            config.AddBranch("queues", queues =>
            {
                queues.SetDescription("The queues MessageTopology declares");
                queues.AddCommand<QueueManifestCommand>("manifest").WithDescription("Print the local queue list (tools/local/queues.json)");
            });
        });
        return app.RunAsync(args);
    }
}

public class DlqSettings : CommandSettings
{
    [CommandOption("-q|--queue <QUEUE>")]
    [System.ComponentModel.Description("Queue concern as MessageTopology declares it (notifications, analytics, payments, availability, email-events)")]
    public string Queue { get; init; } = MessageTopology.Notifications.Name;
}

public sealed class DlqListSettings : DlqSettings
{
    [CommandOption("-n|--max <MAX>")]
    public int Max { get; init; } = 50;
}

internal sealed class DlqListCommand(DeadLetters deadLetters, IAnsiConsole console) : AsyncCommand<DlqListSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DlqListSettings settings, CancellationToken cancellationToken)
    {
        var messages = await deadLetters.PeekAsync(settings.Queue, settings.Max, cancellationToken);
        var table = new Table().AddColumns("message-id", "type", "tenant", "receives", "first received", "last error", "body");
        foreach (var m in messages)
        {
            table.AddRow(
                Markup.Escape(m.MessageId),
                Markup.Escape(m.Type),
                Markup.Escape(m.TenantId ?? "-"),
                m.ReceiveCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(m.FirstReceivedAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-"),
                Markup.Escape(m.LastError ?? "-"),
                Markup.Escape(m.Body.Length > 80 ? m.Body[..80] + "…" : m.Body));
        }

        console.Write(table);
        console.MarkupLine($"{messages.Count} message(s) in the {Markup.Escape(settings.Queue)} dead-letter queue.");
        return 0;
    }
}

internal sealed class DlqRedriveCommand(DeadLetters deadLetters, IAnsiConsole console) : AsyncCommand<DlqSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DlqSettings settings, CancellationToken cancellationToken)
    {
        var moved = await deadLetters.RedriveAsync(settings.Queue, cancellationToken);
        console.MarkupLine($"Moved {moved} message(s) from the {Markup.Escape(settings.Queue)} dead-letter queue back to its source queue.");
        return 0;
    }
}

/// <summary>Resolves Spectre's commands from the host's service collection.</summary>
internal sealed class TypeRegistrar(IServiceCollection services) : ITypeRegistrar
{
    public ITypeResolver Build() => new TypeResolver(services.BuildServiceProvider());

    public void Register(Type service, Type implementation) => services.AddSingleton(service, implementation);

    public void RegisterInstance(Type service, object implementation) => services.AddSingleton(service, implementation);

    public void RegisterLazy(Type service, Func<object> factory) => services.AddSingleton(service, _ => factory());

    private sealed class TypeResolver(ServiceProvider provider) : ITypeResolver, IDisposable
    {
        public object? Resolve(Type? type) => type is null ? null : provider.GetService(type) ?? ActivatorUtilities.CreateInstance(provider, type);

        public void Dispose() => provider.Dispose();
    }
}
