#!/usr/bin/env bash
# Availability under read load: one month of a busy package (360 slots, 600 bookings) read by wrk at 16 and 64
# clients with the cache off (every request computed from the replica) and on (warm), the first request after a
# restart with an empty cache, then the hold rate alone and while an open-loop reader asks for that month at a
# fixed rate (both share the host's cores). Prints figures and one summary line; asserts nothing.
# Usage: bench/availability.sh [seconds-per-run] [reads-per-second]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
READ_RATE="${2:-300}"
PORT="${BENCH_API_PORT:-5099}"
BENCH_LIMIT="${BENCH_LIMIT:-1000000000}"
# How the API is told to skip its cache for the uncached runs.
UNCACHED=(Cache__Enabled=false)

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_setup src/Api

echo "== remove earlier bench tenants"
delete_bench_tenants "slug LIKE 'bench-%'" >/dev/null
STAMP=$(date +%s)
SLUG="bench-avail-$STAMP"
HOLD_SLUG="bench-$STAMP"
BASE_EPOCH=$(date -u -d "$(date -u +%F)" +%s)
FROM=$(date -u -d "@$((BASE_EPOCH + 86400))" +%F)
TO=$(date -u -d "@$((BASE_EPOCH + 30 * 86400))" +%F)
echo "== seed $SLUG: one package of 60-minute slots 09:00-21:00 on an item of 4 units, 600 bookings over $FROM..$TO"
PACKAGE=$("${PSQL[@]}" -At <<SQL
WITH t AS (
  INSERT INTO tenants (id, slug, name, time_zone, currency, created_at, policy_buffer_after_minutes, policy_buffer_before_minutes,
    policy_cancellation_window_hours, policy_hold_minutes, policy_horizon_days, policy_late_refund_percent, policy_lead_time_minutes,
    policy_refund_rule, policy_reschedule_window_hours, policy_slot_step_minutes)
  VALUES (gen_random_uuid(), '$SLUG', 'Bench availability', 'Etc/UTC', 'GBP', now(), 0, 0, 24, 10, 90, 0, 0, 'FullBeforeWindow', 24, 60)
  RETURNING id),
i AS (INSERT INTO inventory_items (id, tenant_id, name, quantity, archived, created_at)
  SELECT gen_random_uuid(), id, 'Court', 4, false, now() FROM t RETURNING id, tenant_id),
p AS (INSERT INTO packages (id, tenant_id, name, duration_minutes, price_minor, currency, max_seats, archived, created_at)
  SELECT gen_random_uuid(), id, 'Court hour', 60, 0, 'GBP', 2, false, now() FROM t RETURNING id, tenant_id),
pi AS (INSERT INTO package_inventory (package_id, inventory_item_id, units, per_seat) SELECT p.id, i.id, 1, true FROM p, i),
h AS (INSERT INTO opening_hours (id, tenant_id, day, opens, closes) SELECT gen_random_uuid(), t.id, d, '09:00', '21:00' FROM t, generate_series(1, 7) d),
c AS (INSERT INTO customers (id, tenant_id, email, name, created_at) SELECT gen_random_uuid(), id, 'seed@example.test', 'Seed', now() FROM t RETURNING id),
s AS (SELECT gen_random_uuid() AS id, to_timestamp($BASE_EPOCH) + make_interval(days => 1 + g % 30, hours => 9 + (g / 30) % 12) AS st
  FROM generate_series(0, 599) g),
b AS (INSERT INTO bookings (id, tenant_id, package_id, customer_id, status, seats, starts_at, ends_at, amount_minor, currency, created_at, updated_at, confirmed_at)
  SELECT s.id, p.tenant_id, p.id, c.id, 'confirmed', 1, s.st, s.st + interval '1 hour', 0, 'GBP', now(), now(), now() FROM s, p, c
  RETURNING id, tenant_id, starts_at, ends_at),
a AS (INSERT INTO booking_allocations (booking_id, inventory_item_id, tenant_id, units, occupied_from, occupied_to)
  SELECT b.id, i.id, b.tenant_id, 1, b.starts_at, b.ends_at FROM b, i)
SELECT id FROM p;
SQL
)
echo "== seed $HOLD_SLUG: the hold bench's business (20 packages, 500 bookings each)"
seed_hold_tenant "$HOLD_SLUG" "$BASE_EPOCH" 0 500
"${PSQL[@]}" -c "VACUUM ANALYZE bookings, booking_allocations, inventory_items" >/dev/null
PACKAGES=$(mktemp)
"${PSQL[@]}" -At -c "SELECT package FROM bench_items ORDER BY n" >"$PACKAGES"
export BENCH_PATH="/api/v1/tenants/$SLUG/packages/$PACKAGE/availability?from=$FROM&to=$TO"
export BENCH_SLUG=$HOLD_SLUG BENCH_BASE_EPOCH=$BASE_EPOCH BENCH_PACKAGES=$PACKAGES
URL="http://127.0.0.1:$PORT"

API_PID=
cleanup() {
  [ -n "$API_PID" ] && kill "$API_PID" 2>/dev/null
  rm -f "$PACKAGES"
  delete_bench_tenants "slug LIKE 'bench-%$STAMP'" >/dev/null || true
}
trap cleanup EXIT
stop_api() { kill "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true; API_PID=; }
field() { sed -E "s/.*$1=([0-9.]+).*/\\1/" <<<"$2"; }
declare -A RPS P95 LINE
read_runs() { # label
  local c line
  for c in 16 64; do
    line=$(wrk -t2 -c"$c" -d"${DURATION}s" --timeout 10s --latency -s bench/availability.lua "$URL" | grep '^RESULT')
    LINE[$1-$c]=$line
    RPS[$1-$c]=$(field rps "$line")
    P95[$1-$c]=$(field p95_ms "$line")
    echo "$1 c=$c: $line"
  done
}

echo "== uncached: the API with its cache off (${UNCACHED[*]})"
start_api "$PORT" /tmp/bench-api.log "${UNCACHED[@]}"
wrk -t2 -c16 -d5s -s bench/availability.lua "$URL" >/dev/null
read_runs uncached
stop_api

echo "== cold: first request after a restart with the cache emptied"
redis-cli -p "$BOOKINGAWS_REDIS_PORT" --scan --pattern 'bookingaws:cache:*' | xargs -r redis-cli -p "$BOOKINGAWS_REDIS_PORT" del >/dev/null
start_api "$PORT" /tmp/bench-api.log
COLD_MS=$(curl -s -o /dev/null -w '%{time_total}' "$URL$BENCH_PATH" | awk '{ printf "%.0f", $1 * 1000 }')
SECOND_MS=$(curl -s -o /dev/null -w '%{time_total}' "$URL$BENCH_PATH" | awk '{ printf "%.1f", $1 * 1000 }')
SLOTS=$(curl -s "$URL$BENCH_PATH" | grep -o startsAtLocal | wc -l)
echo "cold: first request ${COLD_MS} ms (JIT included), second ${SECOND_MS} ms; the month has $SLOTS slots"

echo "== warm"
wrk -t2 -c16 -d5s -s bench/availability.lua "$URL" >/dev/null
read_runs warm

echo "== holds alone, then under $READ_RATE month reads/s (open loop)"
wrk -t2 -c32 -d5s -s bench/holds.lua "$URL" >/dev/null
HOLDS_ALONE=$(wrk -t2 -c32 -d"${DURATION}s" --timeout 10s --latency -s bench/holds.lua "$URL" | grep '^RESULT')
echo "holds alone: $HOLDS_ALONE"
node bench/open-loop.mjs "$URL$BENCH_PATH" "$READ_RATE" $((DURATION + 4)) >/tmp/bench-open-loop.txt &
READER=$!
sleep 2
API_CPU_BEFORE=$(cpu_seconds "$API_PID")
HOLDS_READS=$(wrk -t2 -c32 -d"${DURATION}s" --timeout 10s --latency -s bench/holds.lua "$URL" | grep '^RESULT')
API_CPU_AFTER=$(cpu_seconds "$API_PID")
wait "$READER"
echo "holds under reads: $HOLDS_READS"
echo "reads meanwhile: $(cat /tmp/bench-open-loop.txt)"
echo "API CPU while both ran: $(echo "$API_CPU_AFTER - $API_CPU_BEFORE" | bc) s over ${DURATION} s"
stop_api

ratio() { echo "$1 / $2" | bc -l; }
echo
printf '%-10s %8s %10s %8s %8s %8s\n' run clients req_per_s p50_ms p95_ms p99_ms
for label in uncached warm; do
  for c in 16 64; do
    line=${LINE[$label-$c]}
    printf '%-10s %8s %10s %8s %8s %8s\n' "$label" "$c" "$(field rps "$line")" "$(field p50_ms "$line")" "$(field p95_ms "$line")" "$(field p99_ms "$line")"
  done
done
printf 'availability: warm/uncached %.1f×, p95 %.1f ms (uncached %.0f ms) at 64 clients, holds under reads %.2f×\n' \
  "$(ratio "${RPS[warm-64]}" "${RPS[uncached-64]}")" "${P95[warm-64]}" "${P95[uncached-64]}" \
  "$(ratio "$(field rps "$HOLDS_READS")" "$(field rps "$HOLDS_ALONE")")"
