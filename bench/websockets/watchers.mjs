// Hub watchers for bench/websockets.sh: many raw WebSocket connections to the availability hub (SignalR's JSON
// protocol, no negotiate round trip, as a browser that skips negotiation), each watching one business.
//
//   node bench/websockets/watchers.mjs --urls URL[,URL...] --count N --slug SLUG idle
//     Opens N connections (spread over the URLs, one child process per URL), prints "READY <open> <failed>", and
//     keeps them open (answering nothing but SignalR pings) until SIGTERM.
//   node bench/websockets/watchers.mjs --urls ... --count N --slug SLUG push --hold-url API --holds H --body-file F
//     Then makes H holds (POST API/api/v1/tenants/SLUG/bookings, one every 1.5 s so each is pushed alone) from the
//     JSON bodies in F (one per line), and prints per hold and overall the time from sending the hold to the first
//     availabilityChanged naming the hold's time at each watcher, as "PUSH watchers=N holds=H samples=S missing=M p50_ms=X p99_ms=X max_ms=X".
//     Measured from the hold's request (an upper bound on time from its commit), on one clock.
import { fork } from "node:child_process";
import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const RS = "\u001e";
const now = () => performance.timeOrigin + performance.now();

if (process.env.WATCHER_CHILD) {
  // ---- child: one URL's connections ----
  const WebSocket = createRequire(new URL("../../portal/package.json", import.meta.url))("ws");
  const { url, count, slug } = JSON.parse(process.env.WATCHER_CHILD);
  const wsUrl = url.replace(/^http/, "ws") + "/hubs/availability";
  const arrivals = []; // per connection: [arrival time, changed spans] of each availabilityChanged
  let open = 0;
  let failed = 0;
  const connect = (i) =>
    new Promise((resolve) => {
      const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
      arrivals[i] = [];
      let ready = false;
      const done = (ok) => {
        if (ready) return;
        ready = true;
        ok ? open++ : failed++;
        resolve();
      };
      ws.on("open", () => ws.send(JSON.stringify({ protocol: "json", version: 1 }) + RS));
      ws.on("message", (data) => {
        const at = now();
        for (const frame of data.toString().split(RS)) {
          if (!frame) continue;
          const message = JSON.parse(frame);
          if (message.type === undefined && !message.error) {
            ws.send(JSON.stringify({ type: 1, invocationId: "1", target: "WatchTenant", arguments: [slug] }) + RS);
          } else if (message.type === 3 && message.invocationId === "1") {
            done(!message.error);
          } else if (message.type === 1 && message.target === "availabilityChanged") {
            // The push names the changed times; kept so each arrival is matched to the hold it reports.
            arrivals[i].push([at, (message.arguments[0]?.changes ?? []).map((c) => [Date.parse(c.startsAt), Date.parse(c.endsAt)])]);
          } else if (message.type === 7 || message.error) {
            done(false);
          }
        }
      });
      ws.on("error", () => done(false));
      ws.on("close", () => done(false));
      // Keep-alive: the hub drops a client it has not heard from within its client timeout.
      const ping = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: 6 }) + RS), 10_000);
      ping.unref();
    });
  // A few hundred handshakes at a time: a connect storm is not what is measured.
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(200, count) }, async () => {
    while (next < count) await connect(next++);
  }));
  process.send({ ready: true, open, failed });
  process.on("message", (m) => {
    if (m.arrivals) process.send({ arrivals });
  });
} else {
  // ---- parent ----
  const urls = (opt("urls") ?? "").split(",").filter(Boolean);
  const count = Number(opt("count", "1000"));
  const slug = opt("slug");
  const mode = args.at(-1) === "idle" ? "idle" : args.includes("push") ? "push" : null;
  if (!urls.length || !slug || !mode) {
    console.error("usage: watchers.mjs --urls URL[,URL] --count N --slug SLUG (idle | push --hold-url API --holds H --body-file F)");
    process.exit(2);
  }
  const children = urls.map((url, k) => {
    const share = Math.floor(count / urls.length) + (k < count % urls.length ? 1 : 0);
    return fork(new URL(import.meta.url).pathname, [], {
      env: { ...process.env, WATCHER_CHILD: JSON.stringify({ url, count: share, slug }) },
    });
  });
  const ask = (child, predicate, message) =>
    new Promise((resolve) => {
      const on = (m) => {
        if (predicate(m)) {
          child.off("message", on);
          resolve(m);
        }
      };
      child.on("message", on);
      if (message) child.send(message);
    });
  const ready = await Promise.all(children.map((c) => ask(c, (m) => m.ready)));
  const open = ready.reduce((n, r) => n + r.open, 0);
  const failed = ready.reduce((n, r) => n + r.failed, 0);
  console.log(`READY ${open} ${failed}`);
  const stop = () => {
    for (const c of children) c.kill();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);

  if (mode === "push") {
    const api = opt("hold-url");
    const holds = Number(opt("holds", "10"));
    const bodies = readFileSync(opt("body-file"), "utf8").split("\n").filter(Boolean);
    const hold = async (body) => {
      const response = await fetch(`${api}/api/v1/tenants/${slug}/bookings`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": randomUUID() },
        body,
      });
      if (response.status !== 201) console.error(`hold: ${response.status} ${await response.text()}`);
    };
    // Two unmeasured holds first: the path (relay, queue, worker, backplane) warms up, and their pushes land
    // before the measured window opens.
    for (let w = 0; w < 2; w++) await hold(bodies[(holds + w) % bodies.length]);
    await new Promise((r) => setTimeout(r, 5000));
    const sentAt = [];
    for (let h = 0; h < holds; h++) {
      sentAt.push(now());
      await hold(bodies[h % bodies.length]);
      await new Promise((r) => setTimeout(r, 1500));
    }
    await new Promise((r) => setTimeout(r, 3000));
    const all = (await Promise.all(children.map((c) => ask(c, (m) => m.arrivals, { arrivals: true })))).flatMap((m) => m.arrivals);
    const samples = [];
    let missing = 0;
    for (let h = 0; h < holds; h++) {
      const start = Date.parse(JSON.parse(bodies[h % bodies.length]).startsAt);
      const perHold = [];
      for (const pushes of all) {
        const first = pushes.find(([at, spans]) => at >= sentAt[h] && spans.some(([s, e]) => s <= start && start < e));
        if (first === undefined) missing++;
        else perHold.push(first[0] - sentAt[h]);
      }
      perHold.sort((a, b) => a - b);
      console.log(`hold ${h + 1}: ${perHold.length} watchers, p50 ${perHold[Math.floor(perHold.length / 2)]?.toFixed(0)} ms, max ${perHold.at(-1)?.toFixed(0)} ms`);
      samples.push(...perHold);
    }
    samples.sort((a, b) => a - b);
    const at = (p) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] ?? NaN;
    console.log(`PUSH watchers=${open} holds=${holds} samples=${samples.length} missing=${missing} p50_ms=${at(50).toFixed(0)} p99_ms=${at(99).toFixed(0)} max_ms=${(samples.at(-1) ?? NaN).toFixed(0)}`);
    stop();
  }
}
