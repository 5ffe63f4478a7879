using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using BookingAws.Shared.Data;
using BookingAws.Shared.Hosting;
using BookingAws.Shared.Messaging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingAws.Workers.Sqs;

/// <summary>
/// Consumes one queue: long polls, runs at most <see cref="ConsumerOptions.MaxConcurrency"/> handlers at once,
/// keeps a message invisible while its handler runs (heartbeat), deletes it only after success, and on failure
/// makes it visible again after a delay growing with its attempts (the redrive policy moves it to the DLQ after N
/// receives). A failure that is a dependency's outage (<see cref="TransientFailure"/>) is instead requeued as a
/// delayed copy, so an outage shorter than <see cref="ConsumerOptions.TransientRetryWindow"/> dead-letters nothing.
/// On shutdown it stops polling, lets in-flight handlers finish within the grace period and releases the rest
/// (visibility 0) so another worker takes them at once.
/// </summary>
public sealed partial class SqsQueueConsumer(
    string concern,
    IAmazonSQS sqs,
    QueueResolver queues,
    HandlerRegistry registry,
    IServiceScopeFactory scopes,
    [FromKeyedServices(DataSources.Primary)] NpgsqlDataSource db,
    IOptions<WorkerOptions> options,
    ILogger<SqsQueueConsumer> logger) : BackgroundService
{
    private readonly ConsumerOptions _settings = options.Value.Consumers;

    // Live pushes are worthless late: their failures are never waited out.
    private readonly bool _bestEffort = MessageTopology.Find(concern)?.BestEffort ?? false;

    // The worker's own setting wins (tests shorten it); otherwise the queue's declared visibility, as in AWS.
    private readonly int _visibilitySeconds = options.Value.Consumers.VisibilityTimeoutSeconds
        ?? (int)(MessageTopology.Find(concern) ?? throw new ArgumentOutOfRangeException(nameof(concern), concern, "Not a declared queue.")).VisibilityTimeout.TotalSeconds;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var url = await ResolveAsync(stoppingToken);
        if (url is null)
        {
            return;
        }

        // Not disposed: continuations of finished handlers may still release it after the loop ends.
        var slots = new SemaphoreSlim(_settings.MaxConcurrency);
        using var handlerStop = new CancellationTokenSource();
        var inFlight = new HashSet<Task>();
        LogStarted(logger, concern, url, _settings.MaxConcurrency);

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stoppingToken);
                var free = slots.CurrentCount + 1;
                var response = await sqs.ReceiveMessageAsync(
                    new ReceiveMessageRequest
                    {
                        QueueUrl = url,
                        MaxNumberOfMessages = Math.Min(10, free),
                        WaitTimeSeconds = _settings.WaitTimeSeconds,
                        VisibilityTimeout = _visibilitySeconds,
                        MessageAttributeNames = ["All"],
                        MessageSystemAttributeNames = ["ApproximateReceiveCount"],
                    },
                    stoppingToken);
                var messages = response.Messages ?? [];
                if (messages.Count == 0)
                {
                    slots.Release();
                    continue;
                }

                // One slot is already held; take one more per further message (they are free: we asked for at most that many).
                for (var i = 1; i < messages.Count; i++)
                {
                    await slots.WaitAsync(stoppingToken);
                }

                foreach (var message in messages)
                {
                    var task = Task.Run(() => ProcessAsync(url, message, handlerStop.Token), CancellationToken.None);
                    lock (inFlight)
                    {
                        inFlight.Add(task);
                    }

                    _ = task.ContinueWith(
                        t =>
                        {
                            lock (inFlight)
                            {
                                inFlight.Remove(t);
                            }

                            slots.Release();
                        },
                        CancellationToken.None,
                        TaskContinuationOptions.ExecuteSynchronously,
                        TaskScheduler.Default);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogReceiveFailed(logger, ex, concern);
                slots.Release();
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }

        Task[] pending;
        lock (inFlight)
        {
            pending = [.. inFlight];
        }

        if (pending.Length > 0)
        {
            LogDraining(logger, concern, pending.Length);
            var all = Task.WhenAll(pending);
            if (await Task.WhenAny(all, Task.Delay(_settings.ShutdownGrace, CancellationToken.None)) != all)
            {
                await handlerStop.CancelAsync();
            }

            await Task.WhenAll(pending);
        }
    }

    private async Task<string?> ResolveAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                return await queues.UrlForAsync(concern, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            catch (Exception ex)
            {
                LogReceiveFailed(logger, ex, concern);
                await Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None);
            }
        }

        return null;
    }

    private async Task ProcessAsync(string url, Message message, CancellationToken handlerStop)
    {
        var incoming = Read(message);
        using var activity = StartActivity(message, incoming);
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["CorrelationId"] = incoming.CorrelationId,
            ["TenantId"] = incoming.TenantId,
            ["MessageId"] = incoming.MessageId,
            ["MessageType"] = incoming.Type,
            ["Queue"] = concern,
        });

        var binding = registry.Find(concern, incoming.Type);
        if (binding is null)
        {
            // Never deleted: the start-up check makes every routed type handled, so this is a message nothing should
            // have sent here. It returns after the retry delay and, after its receives, waits in the DLQ for a person.
            var delaySeconds = RetryDelaySeconds(incoming.ReceiveCount);
            LogNoHandler(logger, incoming.Type, concern, incoming.MessageId, incoming.ReceiveCount);
            await RecordFailureAsync(incoming, $"No handler for {incoming.Type} on {concern}");
            await ChangeVisibilityAsync(url, message.ReceiptHandle, delaySeconds);
            return;
        }

        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(url, message.ReceiptHandle, heartbeatStop.Token);
        try
        {
            await using (var handlerScope = scopes.CreateAsyncScope())
            {
                await binding.Invoke(handlerScope.ServiceProvider, incoming, handlerStop);
            }

            await heartbeatStop.CancelAsync();
            await heartbeat;
            await DeleteAsync(url, message);
            activity?.SetStatus(ActivityStatusCode.Ok);
        }
        catch (OperationCanceledException) when (handlerStop.IsCancellationRequested)
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
            LogReleased(logger, incoming.MessageId);
            await ChangeVisibilityAsync(url, message.ReceiptHandle, 0);
        }
#pragma warning disable CA1031 // Any handler failure must leave the message for a retry, never crash the consumer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            var retry = RetryState.Of(message, incoming.ReceiveCount, DateTimeOffset.UtcNow);
            var delay = RetryDelaySeconds(retry.Attempts);
            LogHandlerFailed(logger, ex, incoming.Type, incoming.MessageId, retry.Attempts, delay);
            await RecordFailureAsync(incoming, $"{ex.GetType().Name}: {ex.Message}");

            // An outage is waited out: a fresh copy (receive count 1) returns after the back-off, so the redrive policy's
            // few receives are spent only on permanent failures. Past the window the outage is no longer "transient".
            if (TransientFailure.Is(ex) && !_bestEffort && DateTimeOffset.UtcNow - retry.FirstFailedAt < _settings.TransientRetryWindow
                && await RequeueAsync(url, message, incoming, retry, delay))
            {
                return;
            }

            await ChangeVisibilityAsync(url, message.ReceiptHandle, delay);
        }
    }

    /// <summary>Sends a delayed copy carrying the retry state, then deletes this receive. False if the copy could not be sent.</summary>
    private async Task<bool> RequeueAsync(string url, Message message, IncomingMessage incoming, RetryState retry, int delaySeconds)
    {
        var attributes = new Dictionary<string, MessageAttributeValue>(message.MessageAttributes ?? [])
        {
            // Scheduler messages have no id of their own: the copy keeps the one derived from the first receive, so the inbox still dedupes.
            [MessageAttributes.MessageId] = new() { DataType = "String", StringValue = incoming.MessageId.ToString() },
            [MessageAttributes.Retry] = new() { DataType = "String", StringValue = retry.ToAttribute() },
        };
        try
        {
            await sqs.SendMessageAsync(
                new SendMessageRequest
                {
                    QueueUrl = url,
                    MessageBody = message.Body,
                    MessageAttributes = attributes,
                    DelaySeconds = Math.Min(delaySeconds, 900),
                },
                CancellationToken.None);
        }
        catch (Exception sendError)
        {
            LogSqsCallFailed(logger, sendError, "SendMessage (retry copy)");
            return false;
        }

        LogRequeued(logger, incoming.MessageId, retry.Attempts, delaySeconds);
        await DeleteAsync(url, message);
        return true;
    }

    internal int RetryDelaySeconds(int receiveCount)
    {
        var delay = _settings.RetryBaseDelaySeconds * Math.Pow(2, Math.Clamp(receiveCount - 1, 0, 20));
        return (int)Math.Min(delay, Math.Min(_settings.RetryMaxDelaySeconds, 43200));
    }

    private async Task HeartbeatAsync(string url, string receiptHandle, CancellationToken stop)
    {
        var every = TimeSpan.FromSeconds(_visibilitySeconds / 3.0);
        try
        {
            while (true)
            {
                await Task.Delay(every, stop);
                await ChangeVisibilityAsync(url, receiptHandle, _visibilitySeconds);
            }
        }
        catch (OperationCanceledException)
        {
            // The handler finished.
        }
    }

    private async Task ChangeVisibilityAsync(string url, string receiptHandle, int seconds)
    {
        try
        {
            await sqs.ChangeMessageVisibilityAsync(url, receiptHandle, seconds, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The message returns when its current visibility ends anyway.
            LogSqsCallFailed(logger, ex, "ChangeMessageVisibility");
        }
    }

    private async Task DeleteAsync(string url, Message message)
    {
        try
        {
            await sqs.DeleteMessageAsync(url, message.ReceiptHandle, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // It comes back and the inbox turns it into a no-op.
            LogSqsCallFailed(logger, ex, "DeleteMessage");
        }
    }

    private async Task RecordFailureAsync(IncomingMessage message, string error)
    {
        try
        {
            await using var cmd = db.CreateCommand(
                """
                INSERT INTO message_failures (message_id, queue, type, failures, last_error, first_failed_at, last_failed_at)
                VALUES ($1, $2, $3, 1, $4, now(), now())
                ON CONFLICT (message_id, queue) DO UPDATE
                SET failures = message_failures.failures + 1, last_error = excluded.last_error, last_failed_at = now()
                """);
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = message.MessageId });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = concern });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message.Type });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = error.Length > 4000 ? error[..4000] : error });
            await cmd.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException dbError)
        {
            LogSqsCallFailed(logger, dbError, "record failure");
        }
    }

    private IncomingMessage Read(Message message)
    {
        var attributes = message.MessageAttributes ?? [];
        string? Attr(string name) => attributes.TryGetValue(name, out var v) ? v.StringValue : null;

        var type = Attr(MessageAttributes.Type) ?? TypeFromBody(message.Body) ?? "unknown";
        var messageId = Guid.TryParse(Attr(MessageAttributes.MessageId), out var id) ? id : StableGuid(message.MessageId);
        Guid? tenantId = Guid.TryParse(Attr(MessageAttributes.TenantId), out var tenant) ? tenant : null;
        var receives = message.Attributes is not null && message.Attributes.TryGetValue("ApproximateReceiveCount", out var count)
            && int.TryParse(count, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 1;
        return new IncomingMessage(messageId, type, tenantId, message.Body, Attr(MessageAttributes.CorrelationId), receives, concern);
    }

    /// <summary>Scheduler messages carry no attributes (EventBridge Scheduler cannot set them); they name their type in the body.</summary>
    private static string? TypeFromBody(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Messages that did not come from the outbox use their SQS id, hashed into a GUID (not security-relevant), as the idempotency key.</summary>
    private static Guid StableGuid(string value) => new(SHA256.HashData(Encoding.UTF8.GetBytes(value)).AsSpan(0, 16));

    private Activity? StartActivity(Message message, IncomingMessage incoming)
    {
        var attributes = message.MessageAttributes ?? [];
        ActivityContext parent = default;
        if (attributes.TryGetValue(MessageAttributes.TraceParent, out var tp) && tp.StringValue is { } traceParent)
        {
            ActivityContext.TryParse(traceParent, null, out parent);
        }

        var activity = Telemetry.Source.StartActivity($"{concern} process", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "aws_sqs");
        activity?.SetTag("messaging.destination.name", concern);
        activity?.SetTag("messaging.message.id", incoming.MessageId.ToString());
        activity?.SetTag("bookingaws.message.type", incoming.Type);
        activity?.SetTag("bookingaws.tenant.id", incoming.TenantId?.ToString());
        if (incoming.CorrelationId is not null)
        {
            activity?.SetBaggage("correlation.id", incoming.CorrelationId);
        }

        return activity;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Queue} from {QueueUrl} with up to {Concurrency} handlers")]
    private static partial void LogStarted(ILogger logger, string queue, string queueUrl, int concurrency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiving from {Queue} failed")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping {Queue}: waiting for {Count} in-flight message(s)")]
    private static partial void LogDraining(ILogger logger, string queue, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "No handler for {Type} on {Queue}: message {MessageId} (receive {ReceiveCount}) left to return and reach the dead-letter queue")]
    private static partial void LogNoHandler(ILogger logger, string type, string queue, Guid messageId, int receiveCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released message {MessageId} on shutdown")]
    private static partial void LogReleased(ILogger logger, Guid messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handler for {Type} failed on message {MessageId} (attempt {Attempt}); retry in {DelaySeconds} s")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string type, Guid messageId, int attempt, int delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} failed on an outage (attempt {Attempt}): a copy returns in {DelaySeconds} s")]
    private static partial void LogRequeued(ILogger logger, Guid messageId, int attempt, int delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS call {Call} failed")]
    private static partial void LogSqsCallFailed(ILogger logger, Exception exception, string call);
}
