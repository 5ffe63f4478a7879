#!/usr/bin/env bash
# What sending the confirmation email from the workers buys. Two parts, one run:
#  1. Booking confirmation latency (p50/p99) with the SES server delayed 5 s per call (bench/ses-delay-proxy.mjs):
#     the API (the email goes outbox -> SQS -> workers -> SES, workers running against the delayed SES) against
#     bench/InlineEmailBaseline (the old design: the request sends the email before answering), same wrk load.
#  2. Worker throughput end to end: N confirmed-booking outbox rows for one fresh tenant, timed from the insert until
#     every confirmation email is in the SES-compatible server's store (workers against the real, undelayed SES).
# Prints figures; asserts nothing. Starts the platform services if missing; stops only what it started itself.
# Usage: bench/async-email.sh [N=300] [seconds-per-latency-run=20]
# Env: BENCH_CONNECTIONS (8), BENCH_WARMUP (15 s), BENCH_SES_DELAY_MS (5000), BENCH_API_PORT (5098), BENCH_BASELINE_PORT (5097),
#      BENCH_PROXY_PORT (58105).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
N="${1:-300}"
DURATION="${2:-20}"
CONNECTIONS="${BENCH_CONNECTIONS:-8}"
DELAY_MS="${BENCH_SES_DELAY_MS:-5000}"
API_PORT="${BENCH_API_PORT:-5098}"
BASELINE_PORT="${BENCH_BASELINE_PORT:-5097}"
PROXY_PORT="${BENCH_PROXY_PORT:-58105}"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
./platform services >/dev/null
set -a; . .platform/env; set +a
SES="${Ses__ServiceUrl%/}"
PROXY="http://127.0.0.1:$PROXY_PORT"
PSQL=(psql "postgresql://bookingaws:bookingaws@127.0.0.1:${BOOKINGAWS_PG_PORT:-55432}/bookingaws" -X -q -At -v ON_ERROR_STOP=1)
RUN="bench$(date +%s)"
BASE_EPOCH=$(date -u -d "$(date -u +%F)" +%s)
LOGS="$(mktemp -d)"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$API_PORT" "$BASELINE_PORT" "$PROXY_PORT"; do
  if listening "$p"; then
    echo "port $p is already in use; set BENCH_API_PORT / BENCH_BASELINE_PORT / BENCH_PROXY_PORT" >&2
    exit 1
  fi
done

# Everything started here is recorded by pid and stopped on exit; nothing else is touched.
PIDS=()
QUEUES=()
TENANTS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for url in "${QUEUES[@]}"; do sqs DeleteQueue "{\"QueueUrl\":\"$url\"}" >/dev/null 2>&1 || true; done
  # Unsent outbox rows of the bench tenants would otherwise be mailed by the next unscoped relay anyone runs.
  for t in "${TENANTS[@]}"; do "${PSQL[@]}" -c "DELETE FROM outbox_messages WHERE tenant_id = '$t' AND sent_at IS NULL" 2>/dev/null || true; done
  rm -rf "$LOGS"
}
trap cleanup EXIT

sqs() {
  curl -sf -X POST "${Sqs__ServiceUrl%/}/" -H 'Content-Type: application/x-amz-json-1.0' -H "X-Amz-Target: AmazonSQS.$1" \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=local' \
    -d "$2"
}

# Queues of this run only, so the backlog the delayed phase leaves behind reaches neither the throughput phase
# nor anyone else's workers. Sets Sqs__Queues__* for the workers started after it.
queues_for() {
  local name url
  for concern in notifications analytics payments; do
    name="$RUN-$1-$concern"
    url=$(sqs CreateQueue "{\"QueueName\":\"$name\"}" | sed -E 's/.*"QueueUrl":"([^"]+)".*/\1/')
    QUEUES+=("$url")
  done
  QUEUE_ENV=(Sqs__Queues__Notifications="$RUN-$1-notifications" Sqs__Queues__Analytics="$RUN-$1-analytics" Sqs__Queues__Payments="$RUN-$1-payments")
}

# A tenant open 00:00-23:30 UTC every day with 20 free packages (a free booking is confirmed at once), each
# drawing on its own inventory item; writes the package ids to $2 and prints the tenant id.
seed_free_tenant() {
  "${PSQL[@]}" <<SQL >/dev/null
WITH t AS (
  INSERT INTO tenants (id, slug, name, time_zone, currency, created_at, policy_buffer_after_minutes, policy_buffer_before_minutes,
    policy_cancellation_window_hours, policy_hold_minutes, policy_horizon_days, policy_late_refund_percent, policy_lead_time_minutes,
    policy_refund_rule, policy_reschedule_window_hours, policy_slot_step_minutes)
  VALUES (gen_random_uuid(), '$1', 'Bench $1', 'Etc/UTC', 'GBP', now(), 0, 0, 24, 10, 90, 0, 0, 'FullBeforeWindow', 24, 30)
  RETURNING id),
n AS (SELECT g, gen_random_uuid() AS package, gen_random_uuid() AS item FROM generate_series(1, 20) g),
i AS (INSERT INTO inventory_items (id, tenant_id, name, quantity, archived, created_at)
  SELECT item, t.id, 'Item ' || g, 1000000, false, now() FROM n, t),
p AS (INSERT INTO packages (id, tenant_id, name, duration_minutes, price_minor, currency, max_seats, archived, created_at)
  SELECT package, t.id, 'Free package ' || g, 30, 0, 'GBP', 10, false, now() FROM n, t),
pi AS (INSERT INTO package_inventory (package_id, inventory_item_id, units, per_seat) SELECT package, item, 1, true FROM n)
INSERT INTO opening_hours (id, tenant_id, day, opens, closes) SELECT gen_random_uuid(), t.id, d, '00:00', '23:30' FROM t, generate_series(1, 7) d;
SQL
  "${PSQL[@]}" -c "SELECT p.id FROM packages p JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = '$1' ORDER BY p.name" >"$2"
  "${PSQL[@]}" -c "SELECT id FROM tenants WHERE slug = '$1'"
}

wait_port() { # $1 = port, $2 = log name
  for _ in $(seq 1 150); do listening "$1" && return 0; sleep 0.2; done
  echo "nothing listens on port $1; end of its log:" >&2; tail -20 "$LOGS/$2.log" >&2; return 1
}

start_workers() { # $1 = SES url, $2 = relayed tenant, $3 = log name; QUEUE_ENV set by queues_for
  env "${QUEUE_ENV[@]}" DOTNET_ENVIRONMENT=Development Ses__ServiceUrl="$1" Workers__Relay__TenantId="$2" Workers__Reminders__LocalTimerEnabled=false \
    Serilog__MinimumLevel__Default=Warning OTEL_EXPORTER_OTLP_ENDPOINT='' \
    dotnet "$WORKERS_DIR/BookingAws.Workers.dll" >"$LOGS/$3.log" 2>&1 &
  WORKERS_PID=$!
  PIDS+=("$WORKERS_PID")
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

measure() { # $1 = base url, $2 = path prefix, $3 = slug, $4 = packages file; prints wrk's RESULT line
  BENCH_SLUG="$3" BENCH_BASE_EPOCH="$BASE_EPOCH" BENCH_PACKAGES="$4" BENCH_PREFIX="$2" \
    wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 30s -s bench/confirm.lua "$1" >/dev/null
  BENCH_SLUG="$3" BENCH_BASE_EPOCH="$BASE_EPOCH" BENCH_PACKAGES="$4" BENCH_PREFIX="$2" \
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s -s bench/confirm.lua "$1" | grep '^RESULT'
}
field() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$2"; }

echo "== build (Release): API, workers, inline-email baseline"
dotnet build src/Api -c Release -v q -nologo >/dev/null
dotnet build src/Workers -c Release -v q -nologo >/dev/null
dotnet build bench/InlineEmailBaseline -c Release -v q -nologo >/dev/null
API_DIR="$ROOT/src/Api/bin/Release/net10.0"
WORKERS_DIR="$ROOT/src/Workers/bin/Release/net10.0"
BASELINE_DIR="$ROOT/bench/InlineEmailBaseline/bin/Release/net10.0"
ASPNETCORE_ENVIRONMENT=Development dotnet "$API_DIR/BookingAws.Api.dll" migrate --contentRoot "$API_DIR" >/dev/null

# ---- Part 1: confirmation latency with SES delayed ------------------------------------------------------------
WARMUP="${BENCH_WARMUP:-15}" # a cold API stalls for seconds on its first requests; keep that out of the figures
node bench/ses-delay-proxy.mjs "$PROXY_PORT" "$DELAY_MS" >"$LOGS/proxy.log" 2>&1 &
PIDS+=($!)
wait_port "$PROXY_PORT" proxy

echo "== API: confirmations with workers sending through SES delayed ${DELAY_MS} ms (c=$CONNECTIONS, ${DURATION}s)"
API_PACKAGES="$LOGS/api-packages"
API_TENANT=$(seed_free_tenant "$RUN-api" "$API_PACKAGES")
TENANTS+=("$API_TENANT")
queues_for delayed
start_workers "$PROXY" "$API_TENANT" workers-delayed
ASPNETCORE_ENVIRONMENT=Development Serilog__MinimumLevel__Default=Warning OTEL_EXPORTER_OTLP_ENDPOINT='' \
  dotnet "$API_DIR/BookingAws.Api.dll" --urls "http://127.0.0.1:$API_PORT" --contentRoot "$API_DIR" >"$LOGS/api.log" 2>&1 &
API_PID=$!
PIDS+=("$API_PID")
wait_port "$API_PORT" api
PHASE_START=$(date +%s)
API_LINE=$(measure "http://127.0.0.1:$API_PORT" /api/v1 "$RUN-api" "$API_PACKAGES")
echo "api      $API_LINE"
MAILED=$(curl -s "$SES/store?since=$PHASE_START" | { grep -o '"confirm[0-9]*@example.test"' || true; } | wc -l)
CONFIRMED=$("${PSQL[@]}" -c "SELECT count(*) FROM bookings WHERE tenant_id = '$API_TENANT' AND status = 'confirmed'")
echo "         $CONFIRMED bookings confirmed in the database; the delayed workers had mailed $MAILED of them by the end"
stop "$API_PID"
stop "$WORKERS_PID"

echo "== baseline: the request sends the email itself through the same delayed SES (c=$CONNECTIONS, ${DURATION}s)"
BASELINE_PACKAGES="$LOGS/baseline-packages"
BASELINE_TENANT=$(seed_free_tenant "$RUN-inline" "$BASELINE_PACKAGES")
TENANTS+=("$BASELINE_TENANT")
Ses__ServiceUrl="$PROXY" OTEL_EXPORTER_OTLP_ENDPOINT='' \
  dotnet "$BASELINE_DIR/InlineEmailBaseline.dll" --urls "http://127.0.0.1:$BASELINE_PORT" >"$LOGS/baseline.log" 2>&1 &
BASELINE_PID=$!
PIDS+=("$BASELINE_PID")
wait_port "$BASELINE_PORT" baseline
BASELINE_LINE=$(measure "http://127.0.0.1:$BASELINE_PORT" "" "$RUN-inline" "$BASELINE_PACKAGES")
echo "baseline $BASELINE_LINE"
stop "$BASELINE_PID"

echo
printf '%-34s %10s %10s %10s %10s %10s\n' "booking confirmation, SES +${DELAY_MS}ms" requests rps p50_ms p99_ms non2xx
printf '%-34s %10s %10s %10s %10s %10s\n' "API (email via outbox + workers)" "$(field requests "$API_LINE")" "$(field rps "$API_LINE")" \
  "$(field p50_ms "$API_LINE")" "$(field p99_ms "$API_LINE")" "$(field non2xx "$API_LINE")"
printf '%-34s %10s %10s %10s %10s %10s\n' "baseline (email inside request)" "$(field requests "$BASELINE_LINE")" "$(field rps "$BASELINE_LINE")" \
  "$(field p50_ms "$BASELINE_LINE")" "$(field p99_ms "$BASELINE_LINE")" "$(field non2xx "$BASELINE_LINE")"
awk -v b="$(field p99_ms "$BASELINE_LINE")" -v a="$(field p99_ms "$API_LINE")" 'BEGIN { printf "p99 ratio baseline/API: %.1fx\n\n", b / a }'

# ---- Part 2: worker throughput against the real SES ------------------------------------------------------------
echo "== worker throughput: $N confirmed-booking outbox rows, outbox insert to email stored"
"${PSQL[@]}" <<SQL
INSERT INTO tenants (id, slug, name, time_zone, currency, created_at, policy_lead_time_minutes, policy_horizon_days, policy_slot_step_minutes,
  policy_buffer_before_minutes, policy_buffer_after_minutes, policy_hold_minutes, policy_reschedule_window_hours, policy_cancellation_window_hours,
  policy_refund_rule, policy_late_refund_percent)
VALUES (gen_random_uuid(), '$RUN', 'Bench $RUN', 'Europe/London', 'GBP', now(), 60, 90, 30, 0, 0, 10, 24, 24, 'FullBeforeWindow', 0);
SQL
TENANT=$("${PSQL[@]}" -c "SELECT id FROM tenants WHERE slug = '$RUN'")
TENANTS+=("$TENANT")
"${PSQL[@]}" <<SQL
INSERT INTO packages (id, tenant_id, name, duration_minutes, price_minor, currency, max_seats, archived, created_at)
VALUES (gen_random_uuid(), '$TENANT', 'Bench package', 60, 1000, 'GBP', 4, false, now());
INSERT INTO customers (id, tenant_id, email, name, created_at) VALUES (gen_random_uuid(), '$TENANT', '$RUN@example.com', 'Bench', now());
SQL

queues_for direct
start_workers "$SES" "$TENANT" workers-direct
sleep 5 # the host has no health endpoint; startup is not part of the figure either way

SINCE=$(date +%s)
START=$(date +%s.%N)
"${PSQL[@]}" <<SQL
WITH p AS (SELECT id FROM packages WHERE tenant_id = '$TENANT'), c AS (SELECT id FROM customers WHERE tenant_id = '$TENANT'),
b AS (
  INSERT INTO bookings (id, tenant_id, package_id, customer_id, status, seats, starts_at, ends_at, amount_minor, currency, created_at, updated_at, confirmed_at)
  SELECT gen_random_uuid(), '$TENANT', p.id, c.id, 'confirmed', 1, now() + (g || ' hours')::interval, now() + (g || ' hours')::interval + interval '1 hour', 1000, 'GBP', now(), now(), now()
  FROM generate_series(1, $N) g, p, c RETURNING *)
INSERT INTO outbox_messages (id, tenant_id, type, payload, occurred_at, attempts)
SELECT gen_random_uuid(), b.tenant_id, 'booking.confirmed.v1',
  jsonb_build_object('booking', jsonb_build_object('bookingId', b.id, 'tenantId', b.tenant_id, 'packageId', b.package_id, 'customerId', b.customer_id,
    'status', 'confirmed', 'seats', 1, 'startsAt', b.starts_at, 'endsAt', b.ends_at, 'amountMinor', 1000, 'currency', 'GBP'), 'confirmedAt', now()),
  now(), 0
FROM b;
SQL

DEADLINE=$((SECONDS + 600))
while :; do
  # Only emails stored since the insert, so the poll stays cheap however full the store is.
  SENT=$(curl -s "$SES/store?since=$SINCE" | { grep -o "\"$RUN@example.com\"" || true; } | wc -l)
  [ "$SENT" -ge "$N" ] && break
  if [ "$SECONDS" -ge "$DEADLINE" ]; then echo "gave up: $SENT of $N emails after 600 s (log: workers-direct)" >&2; tail -20 "$LOGS/workers-direct.log" >&2; exit 1; fi
  sleep 0.2
done
END=$(date +%s.%N)
awk -v n="$N" -v s="$START" -v e="$END" 'BEGIN { t = e - s; printf "%d confirmations, outbox insert to email stored: %.2f s (%.1f msg/s)\n", n, t, n / t }'
