using Amazon.CDK;
using Amazon.CDK.AWS.SQS;
using Constructs;

namespace BookingAws.Cdk.Constructs;

public sealed class QueueWithDeadLetterProps
{
    /// <summary>How long a handler may hold a message before another worker sees it again.</summary>
    public Duration VisibilityTimeout { get; init; } = Duration.Seconds(60);

    /// <summary>Receives before a message is judged poison and parked in the DLQ.</summary>
    public int MaxReceiveCount { get; init; } = 5;

    /// <summary>How long an unhandled message is worth keeping.</summary>
    public Duration RetentionPeriod { get; init; } = Duration.Days(4);
}

/// <summary>A work queue and its dead-letter queue, both encrypted, TLS-only, with long retention on the DLQ.</summary>
public sealed class QueueWithDeadLetter : Construct
{
    public Queue Queue { get; }
    public Queue DeadLetterQueue { get; }

    public QueueWithDeadLetter(Construct scope, string id, QueueWithDeadLetterProps props) : base(scope, id)
    {
        // DLQ keeps messages for the maximum 14 days so an operator can inspect and redrive them.
        DeadLetterQueue = new Queue(this, "DeadLetter", new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED,
            EnforceSSL = true,
            RetentionPeriod = Duration.Days(14),
        });
        Queue = new Queue(this, "Queue", new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED,
            EnforceSSL = true,
            RetentionPeriod = props.RetentionPeriod,
            VisibilityTimeout = props.VisibilityTimeout,
            ReceiveMessageWaitTime = Duration.Seconds(20),
            DeadLetterQueue = new DeadLetterQueue { Queue = DeadLetterQueue, MaxReceiveCount = props.MaxReceiveCount },
        });
    }
}
