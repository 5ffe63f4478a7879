using System.Net.Http.Json;
using System.Text.Json;

namespace BookingAws.E2E.Tests;

/// <summary>What reached the SES stand-in `./platform` runs (<c>GET /store</c>), as the workers' tests read it.</summary>
public static class SesInbox
{
    private static readonly HttpClient Http = new()
    {
        BaseAddress = new Uri((Environment.GetEnvironmentVariable("Ses__ServiceUrl") ?? "http://127.0.0.1:58005").TrimEnd('/') + "/"),
        Timeout = TimeSpan.FromSeconds(10),
    };

    public static async Task<List<JsonElement>> EmailsToAsync(string recipient)
    {
        using var store = await Http.GetFromJsonAsync<JsonDocument>("store");
        return store!.RootElement.GetProperty("emails").EnumerateArray()
            .Where(e => e.GetProperty("destination").GetProperty("to").EnumerateArray()
                .Any(t => string.Equals(t.GetString(), recipient, StringComparison.OrdinalIgnoreCase)))
            .Select(e => e.Clone())
            .ToList();
    }

    /// <summary>The emails to <paramref name="recipient"/> once one matches <paramref name="wanted"/>, for up to 40 s.</summary>
    public static async Task<JsonElement> WaitForAsync(string recipient, Func<JsonElement, bool> wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(40);
        List<JsonElement> emails = [];
        while (DateTime.UtcNow < deadline)
        {
            emails = await EmailsToAsync(recipient);
            if (emails.FirstOrDefault(wanted) is { ValueKind: JsonValueKind.Object } found)
            {
                return found;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"no matching email to {recipient} arrived; got {emails.Count}: {string.Join(" | ", emails.Select(e => e.GetProperty("subject").GetString()))}");
        return default;
    }
}
