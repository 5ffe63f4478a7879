using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace BookingAws.Tests.Common;

/// <summary>
/// A TCP fault injector in front of a real server. <see cref="Refuse"/> closes new connections at once (server down);
/// <see cref="Delay"/> holds each client chunk before forwarding it. A client that disconnects while its bytes are
/// held never reaches the server, like a request lost on the way. <see cref="DropAll"/> cuts every open connection,
/// as a server that dies leaves its clients' pooled connections dead.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();

    public FaultProxy(string targetUrl)
    {
        _target = new Uri(targetUrl);
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public bool Refuse { get; set; }

    private CancellationTokenSource _connections = new();

    /// <summary>Cuts every connection open now; new ones are accepted unless <see cref="Refuse"/> is set.</summary>
    public void DropAll()
    {
        var old = Interlocked.Exchange(ref _connections, new CancellationTokenSource());
        old.Cancel();
        old.Dispose();
    }

    public TimeSpan Delay { get; set; }

    private int _forwarded;
    private int _received;

    /// <summary>Chunks that clients sent, forwarded or not.</summary>
    public int Received => Volatile.Read(ref _received);


    /// <summary>Chunks that reached the server.</summary>
    public int Forwarded => Volatile.Read(ref _forwarded);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            if (Refuse)
            {
                client.Client.Close(0);
                client.Dispose();
                continue;
            }

            _ = PipeAsync(client, _connections.Token);
        }
    }

    private async Task PipeAsync(TcpClient client, CancellationToken dropped)
    {
        using var _ = client;
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, dropped);
        using var upstream = new TcpClient();
        using var cutClient = dropped.Register(() =>
        {
            client.Client.Close(0);
            upstream.Client.Close(0);
        });
        var chunks = Channel.CreateUnbounded<(byte[] Data, DateTime At)>();
        var clientClosed = false;
        var clientStream = client.GetStream();
        var reader = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            try
            {
                int n;
                while ((n = await clientStream.ReadAsync(buffer, cut.Token)) > 0)
                {
                    chunks.Writer.TryWrite((buffer[..n], DateTime.UtcNow));
                    Interlocked.Increment(ref _received);
                }
            }
            catch (Exception)
            {
                // Reset by the client: same as closed.
            }

            clientClosed = true;
            chunks.Writer.TryComplete();
        },
        CancellationToken.None);

        try
        {
            await upstream.ConnectAsync(_target.Host, _target.Port, cut.Token);
            var upstreamStream = upstream.GetStream();
            var back = upstreamStream.CopyToAsync(clientStream, cut.Token);
            await foreach (var (data, at) in chunks.Reader.ReadAllAsync(cut.Token))
            {
                var wait = at + Delay - DateTime.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cut.Token);
                }

                if (Delay > TimeSpan.Zero && clientClosed)
                {
                    // The client gave up while we held its request: it never reaches the server.
                    return;
                }

                await upstreamStream.WriteAsync(data, cut.Token);
                Interlocked.Increment(ref _forwarded);
            }

            await back;
        }
        catch (Exception)
        {
            // A test fault proxy: any broken pipe just ends the connection.
        }

        await reader;
    }
}
