using System.Net.Http.Json;
using System.Text.Json;

namespace BookingAws.Workers.Tests.Infrastructure;

/// <summary>Reads what reached the SES-compatible server (<c>GET /store</c>).</summary>
public static class SesStore
{
    private static readonly HttpClient Http = new() { BaseAddress = new Uri(Platform.SesUrl), Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<List<JsonElement>> EmailsToAsync(string recipient)
    {
        using var store = await Http.GetFromJsonAsync<JsonDocument>("store");
        return store!.RootElement.GetProperty("emails").EnumerateArray()
            .Where(e => e.GetProperty("destination").GetProperty("to").EnumerateArray().Any(t => string.Equals(t.GetString(), recipient, StringComparison.OrdinalIgnoreCase)))
            .Select(e => e.Clone())
            .ToList();
    }

    public static async Task<List<JsonElement>> WaitForAsync(string recipient, int count, int seconds = 40)
    {
        List<JsonElement> emails = [];
        await Eventually.TrueAsync(async () => (emails = await EmailsToAsync(recipient)).Count >= count, $"{count} email(s) to {recipient}", seconds);
        return emails;
    }
}
