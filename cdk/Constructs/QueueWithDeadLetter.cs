using Amazon.CDK;
using Amazon.CDK.AWS.SQS;
using BookingAws.Shared.Messaging;
using Constructs;

namespace BookingAws.Cdk.Constructs;

/// <summary>A work queue and its dead-letter queue, both encrypted, TLS-only, with long retention on the DLQ; its
/// settings are the ones <see cref="MessageTopology"/> declares, and its construct id the queue's key.</summary>
public sealed class QueueWithDeadLetter : Construct
{
    public QueueDeclaration Declaration { get; }
    public Queue Queue { get; }
    public Queue DeadLetterQueue { get; }

    public QueueWithDeadLetter(Construct scope, QueueDeclaration declaration) : base(scope, declaration.Key)
    {
        Declaration = declaration;

        // DLQ keeps messages for the maximum 14 days so an operator can inspect and redrive them.
        DeadLetterQueue = new Queue(this, "DeadLetter", new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED,
            EnforceSSL = true,
            RetentionPeriod = Duration.Days(14),
        });
        Guard.Suppress(DeadLetterQueue, "sqs_dlq_check", "This is the dead-letter queue; an operator redrives its messages, nothing consumes it.");
        Queue = new Queue(this, "Queue", new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED,
            EnforceSSL = true,
            RetentionPeriod = Duration.Seconds(declaration.Retention.TotalSeconds),
            VisibilityTimeout = Duration.Seconds(declaration.VisibilityTimeout.TotalSeconds),
            ReceiveMessageWaitTime = Duration.Seconds(20),
            DeadLetterQueue = new DeadLetterQueue { Queue = DeadLetterQueue, MaxReceiveCount = declaration.MaxReceiveCount },
        });
    }
}
