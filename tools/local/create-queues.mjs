// Creates every queue that MessageTopology declares, and its dead-letter queue, on the local SQS server, speaking
// the SQS JSON protocol directly so no AWS SDK is needed here. The list comes from queues.json, which the workers
// print (`BookingAws.Workers ops queues manifest`) and a test keeps equal to the declaration; it is read rather than
// produced here because this runs before anything is built. Safe to run again: existing queues are kept and their
// attributes and redrive policy brought up to date. "email-events" stands in for the queue that SES bounce and
// complaint events reach through SNS in AWS; locally a test or a person puts events on it.
import { readFileSync } from "node:fs";

const endpoint = (process.env.Sqs__ServiceUrl ?? "http://127.0.0.1:59324").replace(/\/+$/, "");
const manifest = JSON.parse(readFileSync(new URL("./queues.json", import.meta.url), "utf8"));

// Optional overrides for local experiments: one receive count for every queue, or a subset of the queues.
const override = process.env.BOOKINGAWS_SQS_MAX_RECEIVE_COUNT || undefined;
const only = process.env.BOOKINGAWS_SQS_CONCERNS?.split(",").map((c) => c.trim()).filter(Boolean);
if (override !== undefined && !(Number.isInteger(Number(override)) && Number(override) >= 1)) {
  console.error(`BOOKINGAWS_SQS_MAX_RECEIVE_COUNT must be a positive integer, got "${override}"`);
  process.exit(2);
}
const unknown = (only ?? []).filter((c) => !manifest.some((q) => q.concern === c));
if (unknown.length > 0) {
  console.error(`BOOKINGAWS_SQS_CONCERNS names undeclared queue(s): ${unknown.join(", ")}`);
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

for (const queue of manifest.filter((q) => !only || only.includes(q.concern))) {
  const maxReceiveCount = override ?? String(queue.maxReceiveCount);
  // As in AWS: the DLQ keeps messages for the maximum 14 days so a person can inspect and redrive them.
  const dlqUrl = await ensureQueue(queue.deadLetterName, { MessageRetentionPeriod: "1209600" });
  const { Attributes } = await sqs("GetQueueAttributes", { QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] });
  const queueUrl = await ensureQueue(queue.name, {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes.QueueArn, maxReceiveCount }),
    VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(queue.retentionSeconds),
  });
  console.log(`${queueUrl} -> ${queue.deadLetterName} after ${maxReceiveCount} receives (fed by ${queue.fedBy})`);
}
