// What bench/faults.sh compares before and after each fault, read from the local stand-ins themselves: messages
// in the dead-letter queues (SQS), emails that reached SES more than once (same recipient, subject and text),
// and charges (Stripe emulator): bookings with more than one succeeded PaymentIntent. Prints one JSON object;
// with --sent FILE it also writes how many emails SES got per recipient list and subject (COPY text format);
// with --paid FILE it also writes the booking ids of succeeded, unrefunded PaymentIntents there, one per line,
// so the script can ask the database which of them are not confirmed (an orphaned charge). No dependencies.
import { writeFileSync } from "node:fs";

const sqs = (process.env.Sqs__ServiceUrl ?? "http://127.0.0.1:59324").replace(/\/+$/, "");
const ses = `http://127.0.0.1:${process.env.BOOKINGAWS_SES_PORT ?? 58005}`;
const stripe = (process.env.Stripe__ApiBase ?? "http://127.0.0.1:58012").replace(/\/+$/, "");
const option = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const paidFile = option("--paid");
const sentFile = option("--sent");
// PostgreSQL's COPY text format: tab-separated, with backslash, tab and newline escaped.
const copyField = (value) => String(value).replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");

async function sqsCall(action, body) {
  const response = await fetch(`${sqs}/`, {
    method: "POST",
    headers: { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": `AmazonSQS.${action}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`SQS ${action}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function deadLettered() {
  const { QueueUrls = [] } = await sqsCall("ListQueues", { QueueNamePrefix: "bookingaws-" });
  let total = 0;
  for (const url of QueueUrls.filter((u) => u.endsWith("-dlq"))) {
    const { Attributes } = await sqsCall("GetQueueAttributes", {
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    });
    total += Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  }
  return total;
}

async function emails() {
  const store = await (await fetch(`${ses}/store`, { signal: AbortSignal.timeout(30_000) })).json();
  const seen = new Map();
  for (const email of store.emails ?? []) {
    const key = JSON.stringify([email.destination?.to ?? [], email.subject, email.body?.text ?? email.body?.html ?? ""]);
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const count of seen.values()) duplicates += count - 1;

  // Per recipient list and subject, as the workers record each send (email_deliveries), for the exact comparison.
  if (sentFile) {
    const sent = new Map();
    for (const email of store.emails ?? []) {
      const key = `${copyField((email.destination?.to ?? []).join(", "))}\t${copyField((email.subject ?? "").slice(0, 500))}`;
      sent.set(key, (sent.get(key) ?? 0) + 1);
    }
    writeFileSync(sentFile, [...sent].map(([key, n]) => `${key}\t${n}\n`).join(""));
  }
  return { emails: (store.emails ?? []).length, duplicateEmails: duplicates };
}

async function list(resource) {
  const items = [];
  let after;
  for (;;) {
    const url = `${stripe}/v1/${resource}?limit=100${after ? `&starting_after=${after}` : ""}`;
    const page = await (await fetch(url, { headers: { Authorization: "Bearer sk_test_local" }, signal: AbortSignal.timeout(30_000) })).json();
    items.push(...(page.data ?? []));
    if (!page.has_more || (page.data ?? []).length === 0) return items;
    after = page.data.at(-1).id;
  }
}

async function charges() {
  const [intents, refunds] = await Promise.all([list("payment_intents"), list("refunds")]);
  const refunded = new Map();
  for (const refund of refunds.filter((r) => r.status !== "failed" && r.status !== "canceled")) {
    refunded.set(refund.payment_intent, (refunded.get(refund.payment_intent) ?? 0) + refund.amount);
  }

  // A charge is kept when it succeeded and was not refunded in full.
  const perBooking = new Map();
  const succeeded = intents.filter((i) => i.status === "succeeded");
  for (const intent of succeeded.filter((i) => (refunded.get(i.id) ?? 0) < i.amount)) {
    const booking = intent.metadata?.booking_id;
    if (booking) perBooking.set(booking, (perBooking.get(booking) ?? 0) + 1);
  }
  let duplicateCharges = 0;
  for (const kept of perBooking.values()) duplicateCharges += kept - 1;
  if (paidFile) writeFileSync(paidFile, [...perBooking.keys()].map((b) => `${b}\n`).join(""));
  return { charges: succeeded.length, duplicateCharges };
}

const [dlq, mail, money] = await Promise.all([deadLettered(), emails(), charges()]);
console.log(JSON.stringify({ deadLettered: dlq, ...mail, ...money }));
