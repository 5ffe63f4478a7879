-- wrk script: guest holds spread over many packages, days and slots; every request has its own
-- Idempotency-Key. Reads the package ids the bench script wrote.
local packages = {}
local slug = os.getenv("BENCH_SLUG")
local base = tonumber(os.getenv("BENCH_BASE_EPOCH"))
for line in io.lines(os.getenv("BENCH_PACKAGES")) do packages[#packages + 1] = line end

local counter = 0
local next_thread = 0

-- setup runs in the main state; "tid" becomes a global in each thread's own state.
function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  math.randomseed(os.time() + tid * 7919)
end

function request()
  counter = counter + 1
  local package = packages[math.random(#packages)]
  -- Day 2..61 ahead, 09:00..21:30 UTC on the 30-minute grid.
  local start = base + math.random(2, 61) * 86400 + 9 * 3600 + math.random(0, 25) * 1800
  local iso = os.date("!%Y-%m-%dT%H:%M:%SZ", start)
  local key = string.format("bench-%d-%d-%d", tid, counter, math.random(1e9))
  local body = string.format(
    '{"packageId":"%s","startsAt":"%s","seats":1,"customer":{"name":"Bench","email":"bench%d@example.test"}}',
    package, iso, math.random(1, 5000))
  return wrk.format("POST", "/api/v1/tenants/" .. slug .. "/bookings",
    { ["Content-Type"] = "application/json", ["Idempotency-Key"] = key }, body)
end

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
