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

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
./platform services >/dev/null
set -a; . .platform/env; set +a

echo "== build (Release)"
dotnet build src/Api -c Release -v q -nologo >/dev/null
API_DIR="$PWD/src/Api/bin/Release/net10.0"
ASPNETCORE_ENVIRONMENT=Development dotnet "$API_DIR/BookingAws.Api.dll" migrate --contentRoot "$API_DIR" >/dev/null

PSQL=(psql "postgresql://bookingaws:bookingaws@127.0.0.1:${BOOKINGAWS_PG_PORT:-55432}/bookingaws" -X -q -v ON_ERROR_STOP=1)
# Each run starts from the same state: earlier runs' tenants and everything they wrote are removed.
delete_bench_tenants() { # SQL condition on tenants
  "${PSQL[@]}" <<SQL
CREATE TEMP TABLE gone AS SELECT id FROM tenants WHERE $1;
DELETE FROM booking_allocations WHERE tenant_id IN (SELECT id FROM gone);
DELETE FROM bookings WHERE tenant_id IN (SELECT id FROM gone);
DELETE FROM outbox_messages WHERE tenant_id IN (SELECT id FROM gone);
DELETE FROM idempotency_keys WHERE tenant_id IN (SELECT id FROM gone);
DELETE FROM package_inventory WHERE package_id IN (SELECT id FROM packages WHERE tenant_id IN (SELECT id FROM gone));
DELETE FROM tenants WHERE id IN (SELECT id FROM gone);
SQL
}
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
"${PSQL[@]}" <<SQL
CREATE TABLE IF NOT EXISTS bench_items (n int PRIMARY KEY, tenant uuid, package uuid, item uuid, customer uuid, base timestamptz);
TRUNCATE bench_items;
WITH t AS (
  INSERT INTO tenants (id, slug, name, time_zone, currency, created_at, policy_buffer_after_minutes, policy_buffer_before_minutes,
    policy_cancellation_window_hours, policy_hold_minutes, policy_horizon_days, policy_late_refund_percent, policy_lead_time_minutes,
    policy_refund_rule, policy_reschedule_window_hours, policy_slot_step_minutes)
  VALUES (gen_random_uuid(), '$SLUG', 'Bench', 'Etc/UTC', 'GBP', now(), 0, 0, 24, 10, 90, 0, 0, 'FullBeforeWindow', 24, 30)
  RETURNING id)
INSERT INTO bench_items (n, tenant, package, item, customer, base)
SELECT n, t.id, gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), to_timestamp($BASE_EPOCH) FROM t, generate_series(1, 20) n;
INSERT INTO inventory_items (id, tenant_id, name, quantity, archived, created_at) SELECT item, tenant, 'Item ' || n, 1000000, false, now() FROM bench_items;
INSERT INTO packages (id, tenant_id, name, duration_minutes, price_minor, currency, max_seats, archived, created_at)
  SELECT package, tenant, 'Package ' || n, 30, $PRICE, 'GBP', 10, false, now() FROM bench_items;
INSERT INTO package_inventory (package_id, inventory_item_id, units, per_seat) SELECT package, item, 1, true FROM bench_items;
INSERT INTO customers (id, tenant_id, email, name, created_at) SELECT customer, tenant, 'seed' || n || '@example.test', 'Seed', now() FROM bench_items;
INSERT INTO opening_hours (id, tenant_id, day, opens, closes)
  SELECT gen_random_uuid(), (SELECT tenant FROM bench_items LIMIT 1), d, '00:00', '23:30' FROM generate_series(1, 7) d;
-- Existing bookings, so plans are the ones a busy table gets (an empty table keeps sequential scans).
WITH s AS (
  SELECT gen_random_uuid() AS id, i.*, i.base + make_interval(days => (g % 60) + 2, mins => 540 + (g % 26) * 30) AS st
  FROM bench_items i, generate_series(1, 5000) g),
b AS (
  INSERT INTO bookings (id, tenant_id, package_id, customer_id, status, seats, starts_at, ends_at, amount_minor, currency, created_at, updated_at, confirmed_at)
  SELECT id, tenant, package, customer, 'confirmed', 1, st, st + interval '30 minutes', 1000, 'GBP', now(), now(), now() FROM s
  RETURNING id, tenant_id, package_id, starts_at, ends_at)
INSERT INTO booking_allocations (booking_id, inventory_item_id, tenant_id, units, occupied_from, occupied_to)
SELECT b.id, i.item, b.tenant_id, 1, b.starts_at, b.ends_at FROM b JOIN bench_items i ON i.package = b.package_id;
SQL
settle
SEEDED_AT=$("${PSQL[@]}" -At -c "SELECT now()")
PACKAGES=$(mktemp)
"${PSQL[@]}" -At -c "SELECT package FROM bench_items ORDER BY n" >"$PACKAGES"

echo "== start API (Release) on 127.0.0.1:$PORT"
# Production pipeline (no developer exception page, no dev endpoints), with the settings Development
# would have supplied given explicitly; the user pool settings (Auth__*, Cognito__*) come from .platform/env.
# The abuse limits are raised to BENCH_LIMIT (above).
ASPNETCORE_ENVIRONMENT=Production Serilog__MinimumLevel__Default=Warning OTEL_EXPORTER_OTLP_ENDPOINT= \
  Links__SigningKey=bench-link-key-bench-link-key-0123456789 \
  Stripe__ApiKey=sk_test_local \
  Stripe__WebhookSecret=whsec_local_emulator \
  RateLimits__Holds__PerIp__PermitLimit="$BENCH_LIMIT" RateLimits__Holds__PerEmail__PermitLimit="$BENCH_LIMIT" \
  RateLimits__Holds__PerBusiness__PermitLimit="$BENCH_LIMIT" RateLimits__MaxActiveHoldsPerEmail="$BENCH_LIMIT" \
  dotnet "$API_DIR/BookingAws.Api.dll" --urls "http://127.0.0.1:$PORT" --contentRoot "$API_DIR" >/tmp/bench-api.log 2>&1 &
API_PID=$!
# The bench's own events are not for the workers: mark them sent so no relay floods the queues.
cleanup() {
  kill $API_PID 2>/dev/null || true
  rm -f "$PACKAGES"
  delete_bench_tenants "slug = '$SLUG'" >/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/live" >/dev/null && break; sleep 0.2; done

export BENCH_SLUG=$SLUG BENCH_BASE_EPOCH=$BASE_EPOCH BENCH_PACKAGES=$PACKAGES
echo "== warm up ${WARMUP}s"
wrk -t2 -c32 -d"${WARMUP}s" -s bench/holds.lua "http://127.0.0.1:$PORT" >/dev/null

declare -A API_RPS API_P50 API_P99 PG_TPS
for c in 32 128; do
  # Every measured run starts from the seeded tables, as every pgbench run does.
  remove_measured_rows >/dev/null
  settle
  line=$(wrk -t2 -c"$c" -d"${DURATION}s" --latency -s bench/holds.lua "http://127.0.0.1:$PORT" | grep '^RESULT')
  API_RPS[$c]=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$line")
  API_P50[$c]=$(sed -E 's/.*p50_ms=([0-9.]+).*/\1/' <<<"$line")
  API_P99[$c]=$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$line")
  echo "api   c=$c: $line"
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

ratio() { [ "$2" = 0 ] && echo 0 || echo "$1 / $2" | bc -l; }
echo
printf '%-8s %10s %8s %8s %12s %10s %14s %12s\n' clients api_rps p50_ms p99_ms pgbench_tps api/pgbench pipelined_tps api/pipelined
for c in 32 128; do
  printf '%-8s %10s %8s %8s %12.0f %10.2f %14.0f %12.2f\n' "$c" "${API_RPS[$c]}" "${API_P50[$c]}" "${API_P99[$c]}" \
    "${PG_TPS[$c]}" "$(ratio "${API_RPS[$c]}" "${PG_TPS[$c]}")" "${PIPE_TPS[$c]}" "$(ratio "${API_RPS[$c]}" "${PIPE_TPS[$c]}")"
done
