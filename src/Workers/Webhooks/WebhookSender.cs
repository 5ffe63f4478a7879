using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BookingAws.Shared.Webhooks;
using Microsoft.Extensions.Options;

namespace BookingAws.Workers.Webhooks;

/// <summary>What one HTTP attempt came to.</summary>
/// <param name="StatusCode">Null when no response came.</param>
public sealed record WebhookAttemptResult(bool Succeeded, int? StatusCode, TimeSpan Latency, string? Error);

/// <summary>
/// Sends one signed request. SSRF: the connection is made by <see cref="SocketsHttpHandler.ConnectCallback"/> to an
/// address this code resolved and vetted (<see cref="WebhookTargets"/>), so a DNS answer that changes between a check
/// and the connect cannot slip a private address in; redirects are not followed (a 3xx is a failure), no proxy is
/// used, and every attempt is bounded in time and in how much of the answer is read.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _http;
    private readonly WebhookOptions _options;

    public WebhookSender(IOptions<WebhookOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        var allowLoopback = _options.AllowLoopbackTargets;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = _options.Timeout,

            // Pooled connections are re-vetted when they are made again, so a name re-pointed later is caught within a minute.
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            MaxResponseHeadersLength = 16,
            ConnectCallback = async (context, ct) =>
            {
                var addresses = await WebhookTargets.ResolveAsync(context.DnsEndPoint.Host, allowLoopback, ct);
                Exception? last = null;
                foreach (var address in addresses)
                {
                    var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch (SocketException e)
                    {
                        socket.Dispose();
                        last = e;
                    }
                }

                throw last ?? new SocketException((int)SocketError.HostNotFound);
            },
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("BookingAws-Webhooks/1.0");
    }

    public async Task<WebhookAttemptResult> SendAsync(
        Uri url, Guid deliveryId, Guid eventId, string eventType, string body, string signature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            if (WebhookTargets.WhyRefused(url, _options.AllowLoopbackTargets) is { } why)
            {
                throw new WebhookTargetRefusedException($"the URL {why}");
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(WebhookSignature.Header, signature);
            request.Headers.Add(WebhookSignature.EventIdHeader, eventId.ToString());
            request.Headers.Add(WebhookSignature.EventTypeHeader, eventType);
            request.Headers.Add(WebhookSignature.DeliveryIdHeader, deliveryId.ToString());
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new(true, status, watch.Elapsed, null);
            }

            var excerpt = await ExcerptAsync(response, timeout.Token);
            return new(false, status, watch.Elapsed, $"HTTP {status}{(excerpt.Length > 0 ? ": " + excerpt : "")}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(false, null, watch.Elapsed, $"timed out after {_options.Timeout.TotalSeconds:0.#} s");
        }
        catch (WebhookTargetRefusedException e)
        {
            return new(false, null, watch.Elapsed, "refused target: " + e.Message);
        }
        catch (HttpRequestException e)
        {
            var refused = FindRefusal(e);
            return new(false, null, watch.Elapsed, refused is not null ? "refused target: " + refused.Message : Describe(e));
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (_options.MaxResponseBytes == 0)
        {
            return "";
        }

        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[_options.MaxResponseBytes];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0)
            {
                read += n;
            }

            var text = Encoding.UTF8.GetString(buffer, 0, read).ReplaceLineEndings(" ").Trim();
            return text.Length > 200 ? text[..200] : text;
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return "";
        }
    }

    private static WebhookTargetRefusedException? FindRefusal(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is WebhookTargetRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    private static string Describe(HttpRequestException e)
    {
        var root = e.InnerException is SocketException s ? $"{s.SocketErrorCode}" : e.HttpRequestError.ToString();
        var message = $"connection failed ({root}): {e.Message}";
        return message.Length > 500 ? message[..500] : message;
    }
}
