// Creates each concern's queue and its dead-letter queue on the local SQS server, speaking the SQS
// JSON protocol directly so no AWS SDK is needed here. Safe to run again: existing queues are kept
// and their redrive policy is brought up to date. "email-events" stands in for the queue that SES
// bounce/complaint events reach through SNS in AWS; locally a test or a person puts events on it.
const endpoint = (process.env.Sqs__ServiceUrl ?? "http://127.0.0.1:59324").replace(/\/+$/, "");
const maxReceiveCount = Number(process.env.BOOKINGAWS_SQS_MAX_RECEIVE_COUNT ?? 5);
const concerns = (process.env.BOOKINGAWS_SQS_CONCERNS ?? "notifications,analytics,payments,availability,email-events")
  .split(",")
  .map((c) => c.trim())
  .filter(Boolean);

if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1) {
  console.error(`BOOKINGAWS_SQS_MAX_RECEIVE_COUNT must be a positive integer, got "${process.env.BOOKINGAWS_SQS_MAX_RECEIVE_COUNT}"`);
  process.exit(2);
}

async function sqs(action, body) {
  const response = await fetch(`${endpoint}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.0",
      "X-Amz-Target": `AmazonSQS.${action}`,
      // The local server does not check signatures, but real SQS clients always send one.
      Authorization: "AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=local",
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const error = new Error(`${action} failed (${response.status}): ${text}`);
    error.type = String(json.__type ?? json.code ?? "");
    throw error;
  }
  return json;
}

async function ensureQueue(name, attributes) {
  try {
    return (await sqs("CreateQueue", { QueueName: name, Attributes: attributes })).QueueUrl;
  } catch (error) {
    if (!/QueueAlreadyExists|QueueNameExists/.test(error.type + error.message)) throw error;
    const { QueueUrl } = await sqs("GetQueueUrl", { QueueName: name });
    await sqs("SetQueueAttributes", { QueueUrl, Attributes: attributes });
    return QueueUrl;
  }
}

for (const concern of concerns) {
  const dlqName = `bookingaws-${concern}-dlq`;
  const dlqUrl = await ensureQueue(dlqName, {});
  const { Attributes } = await sqs("GetQueueAttributes", { QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] });
  const redrivePolicy = JSON.stringify({ deadLetterTargetArn: Attributes.QueueArn, maxReceiveCount: String(maxReceiveCount) });
  const queueUrl = await ensureQueue(`bookingaws-${concern}`, { RedrivePolicy: redrivePolicy });
  console.log(`${queueUrl} -> ${dlqName} after ${maxReceiveCount} receives`);
}
