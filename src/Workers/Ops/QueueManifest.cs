using System.Text.Json;
using System.Text.Json.Serialization;
using BookingAws.Shared.Messaging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace BookingAws.Workers.Ops;

/// <summary>
/// The declared queues as JSON for <c>tools/local/create-queues.mjs</c>, which runs before anything is built, so the
/// output is committed as <c>tools/local/queues.json</c>; a test fails when that file and the declaration differ.
/// Regenerate with <c>BookingAws.Workers ops queues manifest &gt; tools/local/queues.json</c>.
/// </summary>
public static class QueueManifest
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static string Render() =>
        JsonSerializer.Serialize(
            MessageTopology.Queues.Select(q => new LocalQueue(
                q.Name,
                q.DefaultQueueName,
                q.DefaultQueueName + "-dlq",
                q.MaxReceiveCount,
                (int)q.VisibilityTimeout.TotalSeconds,
                (int)q.Retention.TotalSeconds,
                q.FedBy)),
            Json) + "\n";

    private sealed record LocalQueue(string Concern, string Name, string DeadLetterName, int MaxReceiveCount, int VisibilityTimeoutSeconds, int RetentionSeconds, QueueFeed FedBy);
}

internal sealed class QueueManifestCommand(IAnsiConsole console) : Command
{
    public override int Execute(CommandContext context, CancellationToken cancellationToken)
    {
        // Raw text: Spectre's markup would read the JSON's brackets as styles.
        console.Profile.Out.Writer.Write(QueueManifest.Render());
        return 0;
    }
}
