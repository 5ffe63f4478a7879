using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BookingAws.Workers.Tests.Webhooks;

/// <summary>A business's webhook receiver on loopback: records every request and answers as told (one answer per
/// request in order, then <see cref="Otherwise"/>). It can be stopped and started again on the same port (down).</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<Func<HttpListenerContext, Task>> _script = new();
    private HttpListener? _listener;
    private Task? _loop;

    private WebhookReceiver(int port) => Port = port;

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/hooks/bookingaws");

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>What every request gets once the script is used up.</summary>
    public Func<HttpListenerContext, Task> Otherwise { get; set; } = Status(200);

    public static WebhookReceiver Start()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var receiver = new WebhookReceiver(port);
        receiver.Up();
        return receiver;
    }

    public static Func<HttpListenerContext, Task> Status(int code) => context =>
    {
        context.Response.StatusCode = code;
        context.Response.Close(Encoding.UTF8.GetBytes(code == 200 ? "ok" : "receiver says no"), willBlock: false);
        return Task.CompletedTask;
    };

    /// <summary>Holds the request without answering for <paramref name="delay"/>, longer than the sender waits.</summary>
    public static Func<HttpListenerContext, Task> Hang(TimeSpan delay) => async context =>
    {
        await Task.Delay(delay);
        context.Response.Abort();
    };

    public void Then(params Func<HttpListenerContext, Task>[] answers)
    {
        foreach (var answer in answers)
        {
            _script.Enqueue(answer);
        }
    }

    public void Up()
    {
        _listener = new HttpListener();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        var listener = _listener;
        _loop = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                _ = Task.Run(() => AnswerAsync(context));
            }
        });
    }

    /// <summary>Stops listening: connections are refused until <see cref="Up"/>.</summary>
    public async Task DownAsync()
    {
        _listener?.Stop();
        _listener?.Close();
        if (_loop is not null)
        {
            await _loop;
        }

        _listener = null;
    }

    public async ValueTask DisposeAsync() => await DownAsync();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
        Received.Enqueue(new ReceivedWebhook(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body));
        var answer = _script.TryDequeue(out var next) ? next : Otherwise;
        try
        {
            await answer(context);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // The sender gave up on this request first (a timeout test): nothing left to answer.
        }
    }
}

public sealed record ReceivedWebhook(string Method, string Path, Dictionary<string, string> Headers, string Body);
