using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace BookingAws.Workers.Tests.Email;

/// <summary>
/// An HTTP pass-through in front of the real SES server that keeps each request body. The server validates
/// <c>EmailTags</c> but does not store them, so tests read them here on the way.
/// </summary>
public sealed class SesRecorder : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _target;
    private readonly List<JsonDocument> _requests = [];
    private readonly Task _loop;

    public SesRecorder(string targetUrl)
    {
        _target = new HttpClient { BaseAddress = new Uri(targetUrl), Timeout = TimeSpan.FromSeconds(10) };
        Url = $"http://127.0.0.1:{FreePort()}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    /// <summary>The tags of every SendEmail request to <paramref name="recipient"/>.</summary>
    public List<Dictionary<string, string>> TagsTo(string recipient)
    {
        lock (_requests)
        {
            return _requests
                .Where(r => r.RootElement.TryGetProperty("Destination", out var d)
                            && d.GetProperty("ToAddresses").EnumerateArray().Any(a => string.Equals(a.GetString(), recipient, StringComparison.OrdinalIgnoreCase)))
                .Select(r => r.RootElement.TryGetProperty("EmailTags", out var tags)
                    ? tags.EnumerateArray().ToDictionary(t => t.GetProperty("Name").GetString()!, t => t.GetProperty("Value").GetString()!)
                    : [])
                .ToList();
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => ForwardAsync(context));
        }
    }

    private async Task ForwardAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        if (body.Length > 0)
        {
            lock (_requests)
            {
                _requests.Add(JsonDocument.Parse(body));
            }
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), context.Request.Url!.PathAndQuery);
        if (body.Length > 0)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        foreach (var name in new[] { "Authorization", "X-Amz-Date", "X-Amz-Security-Token" })
        {
            if (context.Request.Headers[name] is { } value)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await _target.SendAsync(request);
        var answer = await response.Content.ReadAsByteArrayAsync();
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
        await context.Response.OutputStream.WriteAsync(answer);
        context.Response.Close();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
        _target.Dispose();
        lock (_requests)
        {
            foreach (var r in _requests)
            {
                r.Dispose();
            }
        }
    }
}
