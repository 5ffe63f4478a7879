// Steady mixed load for bench/faults.sh: virtual users hold, prove, pay, cancel and read availability on the demo
// business while hub watchers count availability pushes; faults are injected meanwhile, so every failure is an
// answer to record (status 0 = network error or the 10 s timeout), never a reason to stop.
//
//   node bench/faults/load.mjs --api http://127.0.0.1:PORT --out FILE.jsonl --phase-file FILE [--users 12] [--watchers 50]
//     [--ses URL] [--stripe URL] [--cognito URL] [--client-id ID] [--slug demo] [--customer EMAIL]
//
// The stand-ins' addresses default to the variables in .platform/env (BOOKINGAWS_SES_PORT, Stripe__ApiBase,
// BOOKINGAWS_COGNITO_PORT, Auth__ClientIds__0). Runs until SIGTERM/SIGINT. One JSON line per request:
// {t, phase, op, status, ms, booking?, expect?, email?, note?}. `expect` is what a 2xx promises the booking is
// now: "held", "confirmed", or "cancelled" (a later cancel supersedes an earlier confirmed; the last line wins).
// Ops: hold-guest, prove, code (no code email within 15 s; status 0), hold-signed, hold-paid, payment-start,
// pay (Stripe emulator confirm + polling the booking until confirmed, one line), cancel, availability, catalog,
// signin. LOAD_DEBUG=1 prints the watchers' state every 5 s on stderr. The API's anonymous rate limits
// (60 holds/min per IP) are meant to be off for this (RateLimits__Enabled=false). Hub watchers need the portal's
// packages (npm ci in portal/); without them the run goes on without watchers.
import { createWriteStream, readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";

// ---- settings ------------------------------------------------------------------------------------------------
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const env = process.env;
const api = (opt("api") ?? "").replace(/\/+$/, "");
const outFile = opt("out");
const phaseFile = opt("phase-file");
if (!api || !outFile || !phaseFile) {
  console.error("usage: node bench/faults/load.mjs --api URL --out FILE.jsonl --phase-file FILE [--users 12] [--watchers 50]");
  process.exit(2);
}
const users = Number(opt("users", "12"));
const watchers = Number(opt("watchers", "50"));
const slug = opt("slug", "demo");
const ses = (opt("ses") ?? `http://127.0.0.1:${env.BOOKINGAWS_SES_PORT ?? 58005}`).replace(/\/+$/, "");
const stripe = (opt("stripe") ?? env.Stripe__ApiBase ?? `http://127.0.0.1:${env.BOOKINGAWS_STRIPE_PORT ?? 58012}`).replace(/\/+$/, "");
const cognito = (opt("cognito") ?? env.Cognito__ServiceUrl ?? `http://127.0.0.1:${env.BOOKINGAWS_COGNITO_PORT ?? 59229}`).replace(/\/+$/, "");
const clientId = opt("client-id") ?? env.Auth__ClientIds__0;
const customerEmail = opt("customer", "customer@demo.example");
const demoPassword = "Demo-passw0rd!"; // the demo people's local password (DemoSeeder.DemoPassword), never used in AWS
const TIMEOUT_MS = 10_000;

// Weights per op; a user's loop picks one each turn.
const WEIGHTS = [
  ["guest", 35],
  ["signed", 20],
  ["paid", 15],
  ["cancel", 10],
  ["availability", 20],
];

// ---- output and phase ----------------------------------------------------------------------------------------
const out = createWriteStream(outFile, { flags: "a" });
const counts = { requests: 0, ok: 0, client: 0, server: 0, network: 0 };
let phase = "baseline";
function readPhase() {
  try {
    phase = readFileSync(phaseFile, "utf8").trim().split(/\s+/)[0] || "baseline";
  } catch {
    phase = "baseline";
  }
}
readPhase();
const phaseTimer = setInterval(readPhase, 1000);

let stopping = false;
const stopAll = new AbortController();

function record(entry) {
  const line = { t: entry.t, phase: entry.phase ?? phase, op: entry.op, status: entry.status, ms: entry.ms };
  for (const k of ["booking", "expect", "email", "note"]) if (entry[k] !== undefined && entry[k] !== null) line[k] = entry[k];
  counts.requests++;
  const s = entry.status;
  if (s === 0) counts.network++;
  else if (s >= 200 && s < 300) counts.ok++;
  else if (s >= 400 && s < 500) counts.client++;
  else if (s >= 500) counts.server++;
  out.write(`${JSON.stringify(line)}\n`);
}

// One HTTP call with the 10 s timeout; never throws. `body` is parsed JSON when the answer is JSON.
async function call(method, url, { headers = {}, json, form } = {}) {
  const t = Date.now();
  const started = phase;
  const init = { method, headers: { ...headers }, signal: AbortSignal.any([AbortSignal.timeout(TIMEOUT_MS), stopAll.signal]) };
  if (json !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.headers["content-type"] = "application/x-www-form-urlencoded";
    init.body = new URLSearchParams(form).toString();
  }
  let status = 0;
  let body = null;
  let note;
  try {
    const response = await fetch(url, init);
    status = response.status;
    const text = await response.text();
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
  } catch (e) {
    status = 0;
    note = e?.name === "TimeoutError" ? "timeout" : String(e?.cause?.code ?? e?.name ?? "error");
  }
  return { t, phase: started, status, ms: Date.now() - t, body, note, aborted: stopAll.signal.aborted };
}

const ok = (s) => s >= 200 && s < 300;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pause = () => sleep(50 + Math.random() * 50);

// ---- catalog and slots ---------------------------------------------------------------------------------------
let freePackage;
let paidPackage;
const slots = { free: [], paid: [] }; // startsAt instants (ISO) with seats left, 2..60 days ahead

function day(offset) {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

async function loadCatalog() {
  while (!stopping) {
    const r = await call("GET", `${api}/api/v1/tenants/${slug}/catalog`);
    if (!r.aborted) record({ ...r, op: "catalog" });
    const packages = r.body?.packages ?? [];
    freePackage = packages.find((p) => p.priceMinor === 0);
    // The cheapest paid package that does not share the free one's kayaks, when there is one (the meeting room).
    paidPackage = packages.filter((p) => p.priceMinor > 0).sort((a, b) => a.priceMinor - b.priceMinor)[0];
    if (ok(r.status) && freePackage && paidPackage) return;
    if (ok(r.status)) {
      console.error(`load: business '${slug}' needs a free and a paid package; it has ${packages.map((p) => p.name).join(", ")}`);
    }
    await sleep(1000);
  }
}

function remember(kind, body) {
  const offered = (body?.slots ?? []).filter((s) => s.remainingSeats > 0).map((s) => s.startsAt);
  if (offered.length > 0) slots[kind] = offered;
}

async function refreshSlots(kind) {
  const pkg = kind === "free" ? freePackage : paidPackage;
  // A month range as the portal asks; a random one within 2..60 days, so all of the window gets used.
  const from = 2 + Math.floor(Math.random() * 29);
  const r = await call("GET", `${api}/api/v1/tenants/${slug}/packages/${pkg.id}/availability?from=${day(from)}&to=${day(from + 30)}`);
  if (!r.aborted) record({ ...r, op: "availability" });
  if (ok(r.status)) remember(kind, r.body);
  return r;
}

const pick = (list) => list[Math.floor(Math.random() * list.length)];
function slotFor(kind) {
  return slots[kind].length > 0 ? pick(slots[kind]) : null;
}

// ---- sign-in (cognito-local) ---------------------------------------------------------------------------------
let token = null;
let tokenExpires = 0;
let signingIn = null;

async function accessToken() {
  if (token && Date.now() < tokenExpires) return token;
  signingIn ??= (async () => {
    const t = Date.now();
    const started = phase;
    let status = 0;
    let note;
    try {
      const response = await fetch(`${cognito}/`, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth" },
        body: JSON.stringify({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: customerEmail, PASSWORD: demoPassword } }),
        signal: AbortSignal.any([AbortSignal.timeout(TIMEOUT_MS), stopAll.signal]),
      });
      status = response.status;
      const body = await response.json().catch(() => null);
      const result = body?.AuthenticationResult;
      if (ok(status) && result?.AccessToken) {
        token = result.AccessToken;
        // Renewed well before it lapses so no request carries a token about to expire.
        tokenExpires = Date.now() + Math.max(60, (result.ExpiresIn ?? 3600) * 0.8) * 1000;
      } else {
        note = body?.message ?? body?.__type;
      }
    } catch (e) {
      note = e?.name === "TimeoutError" ? "timeout" : String(e?.cause?.code ?? e?.name ?? "error");
    }
    if (!stopAll.signal.aborted) record({ t, phase: started, op: "signin", status, ms: Date.now() - t, email: customerEmail, note });
    signingIn = null;
  })();
  await signingIn;
  return token;
}

// ---- emailed codes (aws-ses-v2-local /store) -----------------------------------------------------------------
// One shared poller instead of one per guest: the store only grows, and reading it whole per guest would be the load.
const waiting = new Map(); // email -> resolve(code)
const codes = new Map(); // email -> code seen before anyone waited
let sesSince = Math.floor(Date.now() / 1000) - 5;

async function pollSes() {
  while (!stopping) {
    if (waiting.size > 0) {
      try {
        const response = await fetch(`${ses}/store?since=${sesSince}`, { signal: AbortSignal.any([AbortSignal.timeout(TIMEOUT_MS), stopAll.signal]) });
        const store = await response.json();
        let newest = sesSince;
        for (const email of store.emails ?? []) {
          newest = Math.max(newest, Number(email.at ?? 0));
          const code = /^(\d{6})\b/.exec(email.subject ?? "")?.[1];
          if (!code) continue;
          for (const to of email.destination?.to ?? []) {
            const key = to.toLowerCase();
            if (!key.startsWith("load-")) continue;
            const resolve = waiting.get(key);
            if (resolve) {
              waiting.delete(key);
              resolve(code);
            } else codes.set(key, code);
          }
        }
        // A little overlap: emails stamped in the same second may land after this read.
        sesSince = Math.max(sesSince, newest - 2);
      } catch {
        // SES may be the fault under test; the guests' waits time out on their own.
      }
    }
    await sleep(500);
  }
}

function codeFor(email, ms) {
  const key = email.toLowerCase();
  if (codes.has(key)) {
    const code = codes.get(key);
    codes.delete(key);
    return Promise.resolve(code);
  }
  return new Promise((resolve) => {
    waiting.set(key, resolve);
    setTimeout(() => {
      if (waiting.get(key) === resolve) {
        waiting.delete(key);
        resolve(null);
      }
    }, ms);
  });
}

// ---- operations ----------------------------------------------------------------------------------------------
const inflight = new Set();
const loops = [];
function background(promise) {
  inflight.add(promise);
  promise.finally(() => inflight.delete(promise));
}

// A client retries a hold that got no answer (or a 5xx) with the same Idempotency-Key, as the portal does.
async function hold(op, kind, { auth, email }) {
  const startsAt = slotFor(kind);
  if (!startsAt) {
    await refreshSlots(kind);
    return null;
  }
  const pkg = kind === "free" ? freePackage : paidPackage;
  const key = randomUUID();
  const body = { packageId: pkg.id, startsAt, seats: 1 };
  if (email) body.customer = { name: "Load Guest", email };
  for (let attempt = 0; attempt < 3 && !stopping; attempt++) {
    const headers = { "Idempotency-Key": key };
    if (auth) headers.authorization = `Bearer ${auth}`;
    const r = await call("POST", `${api}/api/v1/tenants/${slug}/bookings`, { headers, json: body });
    if (r.aborted) return null;
    const status = r.body?.status;
    record({
      ...r,
      op,
      booking: r.body?.id,
      expect: ok(r.status) && (status === "held" || status === "confirmed") ? status : undefined,
      email,
      note: r.note ?? (attempt > 0 ? `retry ${attempt}` : undefined),
    });
    if (r.status === 409) {
      // That time is full: forget it so the next hold tries another.
      slots[kind] = slots[kind].filter((s) => s !== startsAt);
    }
    if (r.status !== 0 && r.status < 500) return ok(r.status) ? r.body : null;
    await sleep(500);
  }
  return null;
}

async function proveLater(booking, email) {
  const t = Date.now();
  const started = phase;
  const code = await codeFor(email, 15_000);
  if (stopping) return;
  if (!code) {
    record({ t, phase: started, op: "code", status: 0, ms: Date.now() - t, booking, email, note: "no code email within 15 s" });
    return;
  }
  for (let attempt = 0; attempt < 3 && !stopping; attempt++) {
    const r = await call("POST", `${api}/api/v1/bookings/${booking}/email-proof`, { json: { code } });
    if (r.aborted) return;
    // A retry after a lost answer finds the booking proven already (409): the earlier attempt landed.
    record({ ...r, op: "prove", booking, email, expect: ok(r.status) ? "confirmed" : undefined, note: r.note ?? (attempt > 0 ? `retry ${attempt}` : undefined) });
    if (r.status !== 0 && r.status < 500) return;
    await sleep(1000);
  }
}

async function guest() {
  const email = `load-${randomUUID()}@example.test`;
  const held = await hold("hold-guest", "free", { email });
  if (held?.id && held.awaitingEmailProof) background(proveLater(held.id, email));
}

async function signed(user) {
  const auth = await accessToken();
  if (!auth) return;
  const booking = await hold("hold-signed", "free", { auth });
  if (booking?.status === "confirmed") user.confirmed.push(booking.id);
}

async function paid(user) {
  const auth = await accessToken();
  if (!auth) return;
  const booking = await hold("hold-paid", "paid", { auth });
  if (!booking?.id || booking.status !== "held") return;
  let intent = booking.payment?.paymentIntentId;
  if (!intent) {
    // Stripe was unreachable at hold time: the answer says to start the payment again.
    const r = await call("POST", `${api}/api/v1/bookings/${booking.id}/payment`, { headers: { authorization: `Bearer ${auth}` } });
    if (r.aborted) return;
    record({ ...r, op: "payment-start", booking: booking.id });
    intent = r.body?.paymentIntentId;
    if (!intent) return;
  }
  background(payLater(user, booking.id, intent));
}

// The customer's browser confirms the PaymentIntent; Stripe (the emulator) then sends the signed webhook to the
// API, and the booking turns confirmed. One "pay" line: 200 once seen confirmed, else the failing status (0 when
// the booking never turned confirmed within 20 s).
async function payLater(user, booking, intent) {
  const t = Date.now();
  const started = phase;
  const confirm = await call("POST", `${stripe}/test/payment_intents/${intent}/confirm`);
  if (confirm.aborted) return;
  if (!ok(confirm.status)) {
    record({ t, phase: started, op: "pay", status: confirm.status, ms: Date.now() - t, booking, note: confirm.note ?? "stripe confirm failed" });
    return;
  }
  let last = 0;
  while (Date.now() - t < 20_000 && !stopping) {
    await sleep(500);
    const auth = await accessToken();
    const r = await call("GET", `${api}/api/v1/bookings/${booking}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} });
    if (r.aborted) return;
    last = r.status;
    if (ok(r.status) && r.body?.status === "confirmed") {
      record({ t, phase: started, op: "pay", status: r.status, ms: Date.now() - t, booking, expect: "confirmed" });
      user.confirmed.push(booking);
      return;
    }
    if (ok(r.status) && r.body?.status !== "held") {
      record({ t, phase: started, op: "pay", status: 0, ms: Date.now() - t, booking, note: `booking is ${r.body?.status}` });
      return;
    }
  }
  if (stopping) return;
  record({ t, phase: started, op: "pay", status: ok(last) ? 0 : last, ms: Date.now() - t, booking, note: "not confirmed within 20 s" });
}

async function cancel(user) {
  if (user.confirmed.length === 0) return signed(user);
  const auth = await accessToken();
  if (!auth) return;
  const booking = user.confirmed.splice(Math.floor(Math.random() * user.confirmed.length), 1)[0];
  const r = await call("POST", `${api}/api/v1/bookings/${booking}/cancel`, { headers: { authorization: `Bearer ${auth}` }, json: { reason: "load test" } });
  if (r.aborted) return;
  record({ ...r, op: "cancel", booking, expect: ok(r.status) ? "cancelled" : undefined });
  // No answer: it may or may not have landed; try again later (a second cancel of a cancelled booking is a 4xx).
  if (r.status === 0 || r.status >= 500) user.confirmed.push(booking);
}

async function availability() {
  await refreshSlots(Math.random() < 0.7 ? "free" : "paid");
}

function choose() {
  const total = WEIGHTS.reduce((s, [, w]) => s + w, 0);
  let x = Math.random() * total;
  for (const [name, w] of WEIGHTS) if ((x -= w) < 0) return name;
  return WEIGHTS[0][0];
}

async function virtualUser() {
  const user = { confirmed: [] };
  await sleep(Math.random() * 1000); // staggered, so the users do not move in step
  while (!stopping) {
    const op = choose();
    try {
      if (op === "guest") await guest();
      else if (op === "signed") await signed(user);
      else if (op === "paid") await paid(user);
      else if (op === "cancel") await cancel(user);
      else await availability();
    } catch (e) {
      // A bug in an answer's shape must not end the run; it shows up as missing lines instead.
      console.error(`load: ${op} failed: ${e?.stack ?? e}`);
      await sleep(500);
    }
    await pause();
  }
}

// ---- hub watchers --------------------------------------------------------------------------------------------
let pushes = 0;
const connections = [];

async function startWatchers() {
  if (watchers <= 0) return;
  const path = new URL("../../portal/node_modules/@microsoft/signalr/dist/cjs/index.js", import.meta.url);
  if (!existsSync(path)) {
    console.error("load: portal/node_modules/@microsoft/signalr is missing (npm ci in portal/); running without hub watchers");
    return;
  }
  const signalR = createRequire(import.meta.url)(path.pathname);
  // Always retry, at most 5 s apart: a fault may keep the API away for longer than the default four tries.
  const retry = { nextRetryDelayInMilliseconds: (ctx) => (stopping ? null : Math.min(5000, 500 * 2 ** Math.min(ctx.previousRetryCount, 4))) };
  for (let i = 0; i < watchers; i++) {
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(`${api}/hubs/availability`)
      .withAutomaticReconnect(retry)
      .configureLogging(signalR.LogLevel.None)
      .build();
    connection.on("availabilityChanged", () => pushes++);
    // A new connection has no groups: watch again after each reconnect.
    connection.onreconnected(() => connection.invoke("WatchTenant", slug).catch(() => {}));
    // Closed for good (reconnects gave up, or the first start failed): start over unless stopping.
    connection.onclose(() => {
      if (!stopping) setTimeout(() => open(connection), 1000);
    });
    connections.push(connection);
    open(connection);
  }

  async function open(connection) {
    while (!stopping) {
      try {
        await connection.start();
        await connection.invoke("WatchTenant", slug);
        return;
      } catch {
        if (connection.state !== signalR.HubConnectionState.Disconnected) return; // onclose restarts it
        await sleep(2000);
      }
    }
  }
}

// ---- run -----------------------------------------------------------------------------------------------------
async function shutdown() {
  if (stopping) return;
  stopping = true;
  clearInterval(phaseTimer);
  // Requests under way finish and are recorded (each has its 10 s timeout): one cut off unrecorded might have
  // landed, and a later check would see a booking changed by nobody. Nothing new starts meanwhile.
  for (const [key, resolve] of waiting) {
    waiting.delete(key);
    resolve(null);
  }
  await Promise.race([Promise.allSettled([...loops, ...inflight]), sleep(TIMEOUT_MS + 1000)]);
  stopAll.abort();
  await Promise.race([Promise.allSettled(connections.map((c) => c.stop())), sleep(3000)]);
  await new Promise((resolve) => out.end(resolve));
  console.log(
    `load: ${counts.requests} requests, ${counts.ok} 2xx, ${counts.client} 4xx, ${counts.server} 5xx, ${counts.network} network errors, pushes ${pushes}`,
  );
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
// A stray rejection (a library's, say) is logged, not fatal: the run must outlive any fault.
process.on("unhandledRejection", (e) => console.error(`load: unhandled ${e?.stack ?? e}`));
process.on("uncaughtException", (e) => console.error(`load: uncaught ${e?.stack ?? e}`));

await loadCatalog();
if (!stopping) {
  await Promise.all([refreshSlots("free"), refreshSlots("paid")]);
  startWatchers();
  background(pollSes());
  // Slots fill up under load: re-read them now and then besides the users' own availability reads.
  const refresher = setInterval(() => {
    if (!stopping) background(Promise.all([refreshSlots("free"), refreshSlots("paid")]));
  }, 30_000);
  refresher.unref();
  if (env.LOAD_DEBUG) {
    // LOAD_DEBUG=1: the watchers' state every 5 s on stderr, to see them drop and come back around a fault.
    setInterval(() => {
      const connected = connections.filter((c) => c.state === "Connected").length;
      console.error(`load: ${new Date().toISOString()} phase ${phase}, ${connected}/${connections.length} watchers connected, pushes ${pushes}`);
    }, 5000).unref();
  }
  for (let i = 0; i < users; i++) loops.push(virtualUser());
}
