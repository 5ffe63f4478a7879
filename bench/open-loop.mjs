// Open-loop load: GET one URL at a fixed rate, whatever the answers' speed (a closed loop such as wrk slows down
// with the server and so hides queueing). Prints one line:
//   OPENLOOP target=R achieved=R ok=N failed=N p50_ms=X p95_ms=X p99_ms=X client_cpu_s=X
// (client_cpu_s: this process's own CPU time, so a run on shared cores shows what the load generator itself took.)
//
//   node bench/open-loop.mjs URL RATE SECONDS
const [url, rateArg, secondsArg] = process.argv.slice(2);
if (!url || !rateArg || !secondsArg) {
  console.error("usage: node bench/open-loop.mjs URL RATE SECONDS");
  process.exit(2);
}
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const latencies = [];
let failed = 0;
let sent = 0;
const inFlight = new Set();

const fire = () => {
  sent++;
  const started = performance.now();
  const request = fetch(url, { signal: AbortSignal.timeout(10_000) })
    .then(async (response) => {
      await response.arrayBuffer();
      if (response.ok) latencies.push(performance.now() - started);
      else failed++;
    })
    .catch(() => failed++)
    .finally(() => inFlight.delete(request));
  inFlight.add(request);
};

// Ticks of 10 ms, each sending what the schedule owes by then, so timer jitter does not lower the rate.
const begin = performance.now();
await new Promise((resolve) => {
  const timer = setInterval(() => {
    const elapsed = (performance.now() - begin) / 1000;
    if (elapsed >= seconds) {
      clearInterval(timer);
      resolve();
      return;
    }
    const due = Math.floor(elapsed * rate);
    while (sent < due) fire();
  }, 10);
});
await Promise.allSettled([...inFlight]);

latencies.sort((a, b) => a - b);
const at = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : 0);
console.log(
  `OPENLOOP target=${rate} achieved=${(latencies.length / seconds).toFixed(1)} ok=${latencies.length} failed=${failed} ` +
    `p50_ms=${at(50).toFixed(1)} p95_ms=${at(95).toFixed(1)} p99_ms=${at(99).toFixed(1)} ` +
    `client_cpu_s=${((process.cpuUsage().user + process.cpuUsage().system) / 1e6).toFixed(1)}`,
);
