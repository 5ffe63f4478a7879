#!/usr/bin/env bash
# Hold throughput and latency: the API's POST /bookings (wrk) against PostgreSQL running the same
# transaction (pgbench), at 32 and 128 concurrent clients. Prints figures; asserts nothing.
# Usage: bench/holds.sh [seconds-per-run] [warmup-seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
WARMUP="${2:-30}"
PORT="${BENCH_API_PORT:-5099}"
# Free packages by default: the hold is then exactly the database transaction pgbench runs. With
# BENCH_PRICE > 0 each hold also creates a Stripe PaymentIntent (the local emulator) after commit.
PRICE="${BENCH_PRICE:-0}"
# BENCH_PGBENCH=0 skips the pgbench half (quicker while iterating on the API; no ratio printed).
RUN_PGBENCH="${BENCH_PGBENCH:-1}"
# One client, one business: the abuse limits stay on (their Redis round trip and the active-holds count are
# part of what is measured) but are raised above anything the run sends.
BENCH_LIMIT="${BENCH_LIMIT:-1000000000}"

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_setup src/Api

# Between phases: remove what the previous phase wrote (holds, events, idempotency records), so every
# phase starts from the same seeded tables.
remove_measured_rows() {
  "${PSQL[@]}" <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS measured;
CREATE TEMP TABLE measured AS SELECT id FROM bookings
  WHERE tenant_id = (SELECT tenant FROM bench_items LIMIT 1) AND created_at > '$SEEDED_AT';
DELETE FROM booking_allocations WHERE booking_id IN (SELECT id FROM measured);
DELETE FROM bookings WHERE id IN (SELECT id FROM measured);
DELETE FROM outbox_messages WHERE tenant_id = (SELECT tenant FROM bench_items LIMIT 1);
DELETE FROM idempotency_keys WHERE tenant_id = (SELECT tenant FROM bench_items LIMIT 1);
SQL
}
# Vacuumed and analysed before each measured phase, so neither side inherits the other's dead rows.
settle() {
  "${PSQL[@]}" -c "VACUUM ANALYZE bookings, booking_allocations, outbox_messages, idempotency_keys, customers, inventory_items" >/dev/null
}
echo "== remove earlier bench tenants"
delete_bench_tenants "slug LIKE 'bench-%'"
SLUG="bench-$(date +%s)"
BASE_EPOCH=$(date -u -d "$(date -u +%F)" +%s)
echo "== seed tenant $SLUG: 20 packages, each with its own inventory item, and 100k existing bookings"
seed_hold_tenant "$SLUG" "$BASE_EPOCH" "$PRICE" 5000
settle
SEEDED_AT=$("${PSQL[@]}" -At -c "SELECT now()")
PACKAGES=$(mktemp)
"${PSQL[@]}" -At -c "SELECT package FROM bench_items ORDER BY n" >"$PACKAGES"

echo "== start API (Release) on 127.0.0.1:$PORT"
start_api "$PORT" /tmp/bench-api.log
cleanup() {
  kill $API_PID 2>/dev/null || true
  rm -f "$PACKAGES"
  delete_bench_tenants "slug = '$SLUG'" >/dev/null || true
}
trap cleanup EXIT

export BENCH_SLUG=$SLUG BENCH_BASE_EPOCH=$BASE_EPOCH BENCH_PACKAGES=$PACKAGES
echo "== warm up ${WARMUP}s"
wrk -t2 -c32 -d"${WARMUP}s" -s bench/holds.lua "http://127.0.0.1:$PORT" >/dev/null

# API CPU per hold: the API's own work (user + system seconds over the run / holds answered). Unlike the rate,
# it hardly moves when something else shares the cores, so it compares two builds on a busy host.
# The servers' CPU per hold too: on a shared host a slower rate with the same API CPU is the database's (or
# Redis's) extra work per hold, which the primary's and replica's figures then show.
pg_pid() { cat ".platform/pids/pg-$1.pid" 2>/dev/null || echo 0; }
server_cpu_seconds() {
  echo "$(tree_cpu_seconds "$(pg_pid primary)") $(tree_cpu_seconds "$(pg_pid replica)") $(tree_cpu_seconds "$(cat .platform/pids/redis.pid 2>/dev/null || echo 0)")"
}
declare -A API_RPS API_P50 API_P99 API_CPU PG_TPS SERVERS_CPU
for c in 32 128; do
  # Every measured run starts from the seeded tables, as every pgbench run does.
  remove_measured_rows >/dev/null
  settle
  cpu_before=$(cpu_seconds "$API_PID")
  servers_before=$(server_cpu_seconds)
  line=$(wrk -t2 -c"$c" -d"${DURATION}s" --latency -s bench/holds.lua "http://127.0.0.1:$PORT" | grep '^RESULT')
  cpu_after=$(cpu_seconds "$API_PID")
  servers_after=$(server_cpu_seconds)
  API_RPS[$c]=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$line")
  holds=$(echo "${API_RPS[$c]} * $DURATION" | bc -l)
  API_CPU[$c]=$(echo "($cpu_after - $cpu_before) * 1000 / $holds" | bc -l)
  read -r p0 r0 k0 <<<"$servers_before"
  read -r p1 r1 k1 <<<"$servers_after"
  SERVERS_CPU[$c]=$(printf 'primary_cpu_ms=%.3f replica_cpu_ms=%.3f redis_cpu_ms=%.3f' \
    "$(echo "($p1 - $p0) * 1000 / $holds" | bc -l)" "$(echo "($r1 - $r0) * 1000 / $holds" | bc -l)" "$(echo "($k1 - $k0) * 1000 / $holds" | bc -l)")
  API_P50[$c]=$(sed -E 's/.*p50_ms=([0-9.]+).*/\1/' <<<"$line")
  API_P99[$c]=$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$line")
  echo "api   c=$c: $line api_cpu_ms_per_hold=$(printf '%.3f' "${API_CPU[$c]}") per hold: ${SERVERS_CPU[$c]}"
  if ! grep -q 'errors=0 non2xx=0' <<<"$line"; then
    echo "WARNING: some requests failed or were not 201; requests/s above counts them (see /tmp/bench-api.log)"
  fi
done

kill $API_PID 2>/dev/null || true
wait $API_PID 2>/dev/null || true
# pgbench twice: one statement per round trip (what the hold goal is measured against), and the same
# work pipelined in the API's two round trips (the database's rate with the API's protocol shape).
declare -A PIPE_TPS
for variant in plain pipelined; do
  script=bench/hold.pgbench.sql
  [ "$variant" = pipelined ] && script=bench/hold-pipelined.pgbench.sql
  for c in 32 128; do
    if [ "$RUN_PGBENCH" != 1 ]; then PG_TPS[$c]=0; PIPE_TPS[$c]=0; continue; fi
    remove_measured_rows >/dev/null
    settle
    out=$(PGPASSWORD=bookingaws pgbench -h 127.0.0.1 -p "${BOOKINGAWS_PG_PORT:-55432}" -U bookingaws -n -M prepared -c "$c" -j 2 -T "$DURATION" \
      -f "$script" bookingaws 2>&1) || { echo "$out"; echo "pgbench ($variant) failed" >&2; exit 1; }
    if grep -qE 'number of failed transactions: [1-9]|aborted' <<<"$out"; then
      echo "WARNING: pgbench ($variant) c=$c had failed or aborted transactions:"; grep -E 'failed|aborted' <<<"$out"
    fi
    tps=$(grep -E '^tps' <<<"$out" | head -1 | sed -E 's/tps = ([0-9.]+).*/\1/')
    if [ "$variant" = plain ]; then PG_TPS[$c]=$tps; else PIPE_TPS[$c]=$tps; fi
    echo "pgbench ($variant) c=$c: tps=$tps avg_latency_ms=$(grep -E '^latency average' <<<"$out" | sed -E 's/latency average = ([0-9.]+).*/\1/')"
  done
done

ratio() { if [ "$2" = 0 ]; then echo 0; else echo "$1 / $2" | bc -l; fi; }
echo
printf '%-8s %10s %8s %8s %12s %12s %10s %14s %12s\n' clients api_rps p50_ms p99_ms api_cpu_ms pgbench_tps api/pgbench pipelined_tps api/pipelined
for c in 32 128; do
  printf '%-8s %10s %8s %8s %12.3f %12.0f %10.2f %14.0f %12.2f\n' "$c" "${API_RPS[$c]}" "${API_P50[$c]}" "${API_P99[$c]}" "${API_CPU[$c]}" \
    "${PG_TPS[$c]}" "$(ratio "${API_RPS[$c]}" "${PG_TPS[$c]}")" "${PIPE_TPS[$c]}" "$(ratio "${API_RPS[$c]}" "${PIPE_TPS[$c]}")"
done
