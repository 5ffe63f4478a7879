using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.KMS;
using Amazon.CDK.AWS.SES;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using BookingAws.Cdk.Constructs;
using BookingAws.Shared.Messaging;
using Constructs;

namespace BookingAws.Cdk.Stacks;

public sealed class EmailStackProps : StackProps
{
    public required StageConfig Stage { get; init; }
}

/// <summary>
/// The SES v2 domain identity the platform sends from, its configuration set, and the path that brings
/// bounces and complaints back to the workers: configuration set → SNS topic → <c>email-events</c> queue.
/// </summary>
public sealed class EmailStack : Stack
{
    /// <summary>Delivery events the workers act on (suppression, alerting); sends and opens are not worth a message each.</summary>
    public static readonly EmailSendingEvent[] PublishedEvents =
    [
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.REJECT,
        EmailSendingEvent.RENDERING_FAILURE,
        EmailSendingEvent.DELIVERY_DELAY,
    ];

    public EmailIdentity Identity { get; }
    public ConfigurationSet ConfigurationSet { get; }
    public Topic EventsTopic { get; }

    /// <summary>Bounce/complaint notifications (SNS envelopes around SES events), with their own DLQ.</summary>
    public QueueWithDeadLetter EventsQueue { get; }

    /// <summary>The sender of every email; an address at the verified domain.</summary>
    public string FromAddress { get; }

    public string ConfigurationSetArn => Arn.Format(new ArnComponents
    {
        Service = "ses",
        Resource = "configuration-set",
        ResourceName = ConfigurationSet.ConfigurationSetName,
    }, this);

    /// <summary>
    /// What a worker needs to send and to read the events, as environment variables (ASP.NET Core's
    /// <c>__</c> section separator): <c>Ses__FromAddress</c>, <c>Ses__ConfigurationSetName</c>,
    /// <c>Sqs__Queues__EmailEvents</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> WorkerEnvironment => new Dictionary<string, string>
    {
        ["Ses__FromAddress"] = FromAddress,
        ["Ses__ConfigurationSetName"] = ConfigurationSet.ConfigurationSetName,
        [$"Sqs__Queues__{MessageTopology.EmailEvents.Key}"] = EventsQueue.Queue.QueueUrl,
    };

    public EmailStack(Construct scope, string id, EmailStackProps props) : base(scope, id, props)
    {
        var stage = props.Stage;
        FromAddress = stage.EmailFrom;

        ConfigurationSet = new ConfigurationSet(this, "ConfigurationSet", new ConfigurationSetProps
        {
            ReputationMetrics = true,
            SendingEnabled = true,
            // Account-level suppression of hard bounces and complaints stays on as a backstop to our own list.
            SuppressionReasons = SuppressionReasons.BOUNCES_AND_COMPLAINTS,
            TlsPolicy = ConfigurationSetTlsPolicy.REQUIRE,
        });

        // The configuration set is the identity's default, so a send that forgets to name it is still tracked.
        Identity = new EmailIdentity(this, "Identity", new EmailIdentityProps
        {
            Identity = Amazon.CDK.AWS.SES.Identity.Domain(stage.EmailDomain),
            DkimIdentity = DkimIdentity.EasyDkim(EasyDkimSigningKeyLength.RSA_2048_BIT),
            DkimSigning = true,
            ConfigurationSet = ConfigurationSet,
            // Bounces and complaints arrive as events; forwarded copies to the sender address would be noise.
            FeedbackForwarding = false,
        });

        // SES must be able to encrypt into the topic, so the key is customer managed (an AWS managed key's
        // policy cannot name SES).
        var key = new Key(this, "EventsKey", new KeyProps
        {
            Description = "Encrypts the BookingAws SES event topic",
            EnableKeyRotation = true,
            RemovalPolicy = stage.Protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        });
        key.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "SesPublishesEncryptedEvents",
            Principals = [new ServicePrincipal("ses.amazonaws.com")],
            Actions = ["kms:GenerateDataKey*", "kms:Decrypt"],
            Resources = ["*"],
            Conditions = new Dictionary<string, object>
            {
                ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = Account },
                ["ArnLike"] = new Dictionary<string, object> { ["aws:SourceArn"] = $"arn:{Aws.PARTITION}:ses:{Region}:{Account}:configuration-set/*" },
            },
        }));

        EventsTopic = new Topic(this, "EventsTopic", new TopicProps
        {
            MasterKey = key,
            EnforceSSL = true,
        });

        EventsQueue = new QueueWithDeadLetter(this, MessageTopology.EmailEvents);
        // Raw delivery off: the SNS envelope keeps the topic ARN and message id, which the inbox dedupes on.
        // Also writes the queue policy that lets only this topic send to the queue.
        EventsTopic.AddSubscription(new SqsSubscription(EventsQueue.Queue, new SqsSubscriptionProps { RawMessageDelivery = false }));

        // Adds the topic policy that lets SES publish for this configuration set only.
        ConfigurationSet.AddEventDestination("ToEventsTopic", new ConfigurationSetEventDestinationOptions
        {
            Destination = EventDestination.SnsTopic(EventsTopic),
            Events = PublishedEvents,
            Enabled = true,
        });

        Output("EmailIdentityDomain", stage.EmailDomain, "SES domain identity; publish the three DKIM CNAME records below in its DNS");
        Output("DkimRecord1", $"{Identity.DkimDnsTokenName1} CNAME {Identity.DkimDnsTokenValue1}", "DKIM CNAME record 1 (name CNAME value)");
        Output("DkimRecord2", $"{Identity.DkimDnsTokenName2} CNAME {Identity.DkimDnsTokenValue2}", "DKIM CNAME record 2 (name CNAME value)");
        Output("DkimRecord3", $"{Identity.DkimDnsTokenName3} CNAME {Identity.DkimDnsTokenValue3}", "DKIM CNAME record 3 (name CNAME value)");
        Output("EmailFromAddress", FromAddress, "Sender of every email (Ses__FromAddress)");
        Output("EmailConfigurationSetName", ConfigurationSet.ConfigurationSetName, "SES configuration set (Ses__ConfigurationSetName)");
        Output("EmailEventsQueueUrl", EventsQueue.Queue.QueueUrl, "Bounce and complaint events (Sqs__Queues__EmailEvents)");
    }

    /// <summary>
    /// Lets <paramref name="grantee"/> send through SES v2 from this identity with this configuration set.
    /// SES v2 authorizes a send against both ARNs, so both are resources; nothing else is sendable.
    /// </summary>
    public Grant GrantSend(IGrantable grantee) => Grant.AddToPrincipal(new GrantOnPrincipalOptions
    {
        Grantee = grantee,
        Actions = ["ses:SendEmail", "ses:SendRawEmail"],
        ResourceArns = [Identity.EmailIdentityArn, ConfigurationSetArn],
    });

    /// <summary>Send rights plus receive/delete on the events queue: everything a worker needs from this stack.</summary>
    public void GrantWorker(IGrantable grantee)
    {
        GrantSend(grantee);
        EventsQueue.Queue.GrantConsumeMessages(grantee);
    }

    private void Output(string id, string value, string description) =>
        _ = new CfnOutput(this, id, new CfnOutputProps { Value = value, Description = description });
}
