// A business's webhook receiver for bench/webhooks.sh: answers every POST 204 at once and appends, per request, the
// milliseconds from the event's "created" (the change's outbox time) to its receipt here, and its event id.
//   node bench/webhook-receiver.mjs PORT OUT-FILE
import { createServer } from "node:http";
import { appendFileSync } from "node:fs";

const [portArg, out] = process.argv.slice(2);
if (!portArg || !out) {
  console.error("usage: node bench/webhook-receiver.mjs PORT OUT-FILE");
  process.exit(2);
}

createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const received = Date.now();
    try {
      const event = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      appendFileSync(out, `${received - Date.parse(event.created)} ${event.id}\n`);
    } catch {
      appendFileSync(out, `bad ${req.headers["bookingaws-event-id"] ?? "?"}\n`);
    }
    res.writeHead(204).end();
  });
}).listen(Number(portArg), "127.0.0.1");
