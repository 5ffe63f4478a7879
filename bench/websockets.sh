#!/usr/bin/env bash
# Hub connections: resident memory and CPU of one API instance holding N idle watchers, then the time from a hold to
# every watcher's availabilityChanged with the watchers spread over two API instances (the push goes outbox relay →
# SQS → worker → Redis backplane → both instances). Prints figures and one summary line; asserts nothing.
# Usage: bench/websockets.sh [idle-counts] [push-watchers] [holds]
#   defaults: "5000 19000" (a process here may hold at most 20,000 files: 19,000 sockets and the rest), "1000 10000", 10
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a IDLE_COUNTS <<<"${1:-5000 19000}"
read -r -a PUSH_COUNTS <<<"${2:-1000 10000}"
HOLDS="${3:-10}"
PORT1="${BENCH_API_PORT:-5099}"
PORT2=$((PORT1 + 1))
IDLE_SECONDS="${BENCH_IDLE_SECONDS:-30}"
BENCH_LIMIT="${BENCH_LIMIT:-1000000000}"
# The hub's own limits raised: every watcher comes from 127.0.0.1.
HUB=(AvailabilityHub__MaxConnectionsPerIp=100000)

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_setup src/Api src/Workers
[ -d portal/node_modules/ws ] || (cd portal && npm ci --silent --no-audit --no-fund)

delete_bench_tenants "slug LIKE 'bench-%'" >/dev/null
STAMP=$(date +%s)
SLUG="bench-$STAMP"
BASE_EPOCH=$(date -u -d "$(date -u +%F)" +%s)
seed_hold_tenant "$SLUG" "$BASE_EPOCH" 0 100
BODIES=$(mktemp)
"${PSQL[@]}" -At <<SQL >"$BODIES"
SELECT format('{"packageId":"%s","startsAt":"%s","seats":1,"customer":{"name":"Bench","email":"ws%s@example.test"}}',
  package, to_char((base + make_interval(days => 2 + g % 60, mins => 540 + (g % 26) * 30)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), g)
FROM bench_items, generate_series(1, 5) g ORDER BY random();
SQL

PIDS=()
WATCHERS_PID=
cleanup() {
  [ -n "$WATCHERS_PID" ] && kill "$WATCHERS_PID" 2>/dev/null
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -f "$BODIES" /tmp/bench-watchers.out
  delete_bench_tenants "slug = '$SLUG'" >/dev/null || true
}
trap cleanup EXIT

start_api "$PORT1" /tmp/bench-api-1.log "${HUB[@]}"
API1=$API_PID
PIDS+=("$API1")
curl -sf "http://127.0.0.1:$PORT1/api/v1/tenants/$SLUG/catalog" >/dev/null || true

# Starts watchers in the background and waits for their READY line; sets WATCHERS_PID and OPENED.
start_watchers() { # urls count mode [args...]
  local urls=$1 count=$2
  shift 2
  node bench/websockets/watchers.mjs --urls "$urls" --count "$count" --slug "$SLUG" "$@" >/tmp/bench-watchers.out 2>&1 &
  WATCHERS_PID=$!
  local _
  for _ in $(seq 1 600); do
    grep -q '^READY' /tmp/bench-watchers.out && break
    kill -0 "$WATCHERS_PID" 2>/dev/null || { cat /tmp/bench-watchers.out; return 1; }
    sleep 0.5
  done
  OPENED=$(awk '/^READY/ { print $2 " open, " $3 " failed" }' /tmp/bench-watchers.out)
}

echo "== idle connections on one API instance (Release, port $PORT1)"
sleep 5
BASE_RSS=$(rss_mb "$API1")
echo "no connections: RSS $BASE_RSS MB"
declare -A IDLE_RSS IDLE_CPU
for n in "${IDLE_COUNTS[@]}"; do
  start_watchers "http://127.0.0.1:$PORT1" "$n" idle
  sleep 5
  before=$(cpu_seconds "$API1")
  sleep "$IDLE_SECONDS"
  after=$(cpu_seconds "$API1")
  IDLE_RSS[$n]=$(rss_mb "$API1")
  IDLE_CPU[$n]=$(echo "($after - $before) * 100 / $IDLE_SECONDS" | bc -l)
  printf '%s idle watchers (%s): RSS %s MB, CPU %.1f%% of one core over %ss idle\n' "$n" "$OPENED" "${IDLE_RSS[$n]}" "${IDLE_CPU[$n]}" "$IDLE_SECONDS"
  kill "$WATCHERS_PID"
  wait "$WATCHERS_PID" 2>/dev/null || true
  WATCHERS_PID=
  sleep 5
done

echo "== push latency: watchers on two API instances, one worker"
start_api "$PORT2" /tmp/bench-api-2.log "${HUB[@]}"
PIDS+=("$API_PID")
env DOTNET_ENVIRONMENT=Development Serilog__MinimumLevel__Default=Warning OTEL_EXPORTER_OTLP_ENDPOINT='' \
  dotnet "$WORKERS_DIR/BookingAws.Workers.dll" --contentRoot "$WORKERS_DIR" >/tmp/bench-workers.log 2>&1 &
PIDS+=("$!")
sleep 10
PUSH_LAST=
for n in "${PUSH_COUNTS[@]}"; do
  start_watchers "http://127.0.0.1:$PORT1,http://127.0.0.1:$PORT2" "$n" push --hold-url "http://127.0.0.1:$PORT1" --holds "$HOLDS" --body-file "$BODIES"
  echo "$n watchers ($OPENED):"
  wait "$WATCHERS_PID" || true
  WATCHERS_PID=
  grep -E '^(hold|PUSH)' /tmp/bench-watchers.out | sed 's/^/  /'
  PUSH_LAST=$(grep '^PUSH' /tmp/bench-watchers.out || true)
  sleep 3
done

last_idle=${IDLE_COUNTS[-1]}
printf 'websockets: %s idle RSS %s MB, push p99 %s ms to %s watchers\n' "$last_idle" "${IDLE_RSS[$last_idle]}" \
  "$(sed -E 's/.*p99_ms=([0-9]+).*/\1/' <<<"$PUSH_LAST")" "$(sed -E 's/.*watchers=([0-9]+).*/\1/' <<<"$PUSH_LAST")"
