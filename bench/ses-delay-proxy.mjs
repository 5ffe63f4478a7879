// Bench-only: an HTTP proxy that holds every request for a fixed delay before forwarding it to the real
// SES-compatible server, so a bench can see what a slow email provider does to whoever waits on it.
// Usage: node bench/ses-delay-proxy.mjs [port] [delay-ms]
// At run time, POST /__faults {"delayMs": N, "status": 503} changes the delay and makes every call answer that
// status as SES would (no forwarding); {"status": 0} forwards again (bench/faults.sh drives an SES outage so).
// Target: SES_PROXY_TARGET, else Ses__ServiceUrl, else http://127.0.0.1:58005. No dependencies.
import http from "node:http";

const port = Number(process.argv[2] ?? process.env.SES_PROXY_PORT ?? 58105);
let delayMs = Number(process.argv[3] ?? process.env.SES_PROXY_DELAY_MS ?? 5000);
let failStatus = 0;
const target = new URL(process.env.SES_PROXY_TARGET ?? process.env.Ses__ServiceUrl ?? "http://127.0.0.1:58005");
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

const server = http.createServer((req, res) => {
  if (req.url === "/__faults" && req.method === "POST") {
    let text = "";
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => {
      const faults = JSON.parse(text || "{}");
      if (faults.delayMs !== undefined) delayMs = Number(faults.delayMs);
      if (faults.status !== undefined) failStatus = Number(faults.status);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ delayMs, status: failStatus }));
    });
    return;
  }

  // Buffer the body first so the delay starts once the caller has sent everything, like a slow server would.
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    setTimeout(() => {
      if (failStatus) {
        res.writeHead(failStatus, { "content-type": "application/json", "x-amzn-errortype": "ServiceUnavailableException" });
        res.end(JSON.stringify({ message: "Service unavailable (bench fault)" }));
        return;
      }

      const body = Buffer.concat(chunks);
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port || 80,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, "content-length": String(body.length) },
          agent,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", (error) => {
        if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
        res.end(`proxy: ${error.message}`);
      });
      upstream.end(body);
    }, delayMs);
  });
});

server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1", () => {
  console.log(`ses-delay-proxy on http://127.0.0.1:${port} -> ${target.origin}, ${delayMs} ms per request`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
