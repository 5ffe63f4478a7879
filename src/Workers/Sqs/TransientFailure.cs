using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using BookingAws.Shared.Messaging;
using BookingAws.Workers.Email;
using Npgsql;
using StackExchange.Redis;
using Stripe;

namespace BookingAws.Workers.Sqs;

/// <summary>
/// Whether a handler's failure is a dependency's outage (SES, SQS, Stripe, PostgreSQL or Redis unreachable, 5xx,
/// throttled, timed out), which the same message will get past once the dependency is back, or a permanent one
/// (a rejected request, a bug, a message that cannot be handled), which no retry fixes. Only permanent failures
/// may end in the dead-letter queue within minutes; an outage is waited out (see <see cref="SqsQueueConsumer"/>).
/// </summary>
public static class TransientFailure
{
    public static bool Is(Exception exception) => exception switch
    {
        EmailSendException e => e.IsTransient,
        NpgsqlException e => e.IsTransient,
        AmazonServiceException e => IsTransientStatus(e.StatusCode) || e.Retryable is not null || e.ErrorCode is "Throttling" or "ThrottlingException" or "RequestThrottled",
        AmazonClientException => true,
        StripeException e => e.HttpStatusCode == 0 || IsTransientStatus(e.HttpStatusCode),
        RedisConnectionException or RedisTimeoutException => true,
        HttpRequestException e => e.StatusCode is not { } status || IsTransientStatus(status),
        TimeoutException or SocketException or IOException => true,

        // A timeout inside a client library surfaces as a cancellation that nobody asked for (shutdown is handled apart).
        OperationCanceledException => true,
        AggregateException e => e.InnerExceptions.Count > 0 && e.InnerExceptions.All(Is),
        _ => exception.InnerException is { } inner && Is(inner),
    };

    private static bool IsTransientStatus(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
}

/// <summary>
/// How often and since when a message has failed, across the copies an outage requeues: carried in the
/// <see cref="MessageAttributes.Retry"/> attribute as "first-failed-unix-seconds attempts-before-this-copy".
/// </summary>
public readonly record struct RetryState(DateTimeOffset FirstFailedAt, int Attempts)
{
    public static RetryState Of(Amazon.SQS.Model.Message message, int receiveCount, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.MessageAttributes is { } attributes && attributes.TryGetValue(MessageAttributes.Retry, out var value)
            && value.StringValue?.Split(' ') is [var first, var attempts]
            && long.TryParse(first, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && int.TryParse(attempts, System.Globalization.CultureInfo.InvariantCulture, out var before))
        {
            return new RetryState(DateTimeOffset.FromUnixTimeSeconds(seconds), before + receiveCount);
        }

        return new RetryState(now, receiveCount);
    }

    public string ToAttribute() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{FirstFailedAt.ToUnixTimeSeconds()} {Attempts}");
}
