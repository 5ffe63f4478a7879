-- wrk script: guest bookings of free packages (each confirms at once), spread over packages, days and
-- 30-minute slots, every request with its own Idempotency-Key. Env: BENCH_SLUG, BENCH_BASE_EPOCH (a UTC
-- midnight), BENCH_PACKAGES (file of package ids), BENCH_PREFIX (path before /tenants, e.g. /api/v1).
local packages = {}
local slug = os.getenv("BENCH_SLUG")
local base = tonumber(os.getenv("BENCH_BASE_EPOCH"))
local prefix = os.getenv("BENCH_PREFIX") or ""
for line in io.lines(os.getenv("BENCH_PACKAGES")) do packages[#packages + 1] = line end

local counter = 0
local threads = {}

-- thread_id must stay a global: thread:set writes the thread's globals, which a file-level local would shadow
-- (every thread would then send the same keys, and half the requests would be idempotent replays).
function setup(thread)
  thread:set("thread_id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  math.randomseed(os.time() + thread_id * 7919)
  created = 0
end

function request()
  counter = counter + 1
  local package = packages[math.random(#packages)]
  -- Day 2..61 ahead, 09:00..21:30 UTC on the 30-minute grid.
  local start = base + math.random(2, 61) * 86400 + 9 * 3600 + math.random(0, 25) * 1800
  local key = string.format("confirm-%d-%d-%d", thread_id, counter, math.random(1e9))
  local body = string.format(
    '{"packageId":"%s","startsAt":"%s","seats":1,"customer":{"name":"Bench","email":"confirm%d@example.test"}}',
    package, os.date("!%Y-%m-%dT%H:%M:%SZ", start), math.random(1, 5000))
  return wrk.format("POST", prefix .. "/tenants/" .. slug .. "/bookings",
    { ["Content-Type"] = "application/json", ["Idempotency-Key"] = key }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + (thread:get("created") or 0) end
  io.write(string.format("RESULT requests=%d created=%d rps=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f errors=%d non2xx=%d\n",
    summary.requests, total, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
