#!/usr/bin/env bash
# Webhook delivery latency: guest holds through the API (wrk, bench/holds.lua) for a business with one healthy
# endpoint subscribed to booking.held.v1, a local receiver (bench/webhook-receiver.mjs) timing each event from its
# change (the outbox row's time, the body's "created") to its receipt. Everything the workers do is in the path:
# relay, SQS, fan-out, delivery loop, signed POST. Prints one summary line; asserts nothing. Target: p99 < 60 s.
# Usage: bench/webhooks.sh [seconds-of-load=30] [connections=2]
# Env: BENCH_API_PORT (5096), BENCH_RECEIVER_PORT (58106); on a machine whose services are already up and shared:
#      BENCH_NO_SERVICES=1, BENCH_ENV (the platform's env file, default .platform/env), BENCH_DATABASE (default bookingaws).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-30}"
CONNECTIONS="${2:-2}"
PORT="${BENCH_API_PORT:-5096}"
RECEIVER_PORT="${BENCH_RECEIVER_PORT:-58106}"
BENCH_LIMIT="${BENCH_LIMIT:-1000000000}"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ "${BENCH_NO_SERVICES:-0}" = 1 ] || ./platform services >/dev/null
set -a
# shellcheck source=/dev/null # written by ./platform
. "${BENCH_ENV:-.platform/env}"
set +a
DB="${BENCH_DATABASE:-bookingaws}"
export ConnectionStrings__Primary="${ConnectionStrings__Primary/Database=bookingaws;/Database=$DB;}"
export ConnectionStrings__Replica="${ConnectionStrings__Replica/Database=bookingaws;/Database=$DB;}"
export ConnectionStrings__Migrations="${ConnectionStrings__Migrations/Database=bookingaws;/Database=$DB;}"
# shellcheck source=bench/lib.sh
. bench/lib.sh
PSQL=(psql "postgresql://bookingaws:bookingaws@127.0.0.1:${BOOKINGAWS_PG_PORT:-55432}/$DB" -X -q -v ON_ERROR_STOP=1)
RUN="benchwh$(date +%s)"
LOGS="$(mktemp -d)"

sqs() { # shellcheck disable=SC2154 # Sqs__ServiceUrl comes from the platform's env file
  curl -sf -X POST "${Sqs__ServiceUrl%/}/" -H 'Content-Type: application/x-amz-json-1.0' -H "X-Amz-Target: AmazonSQS.$1" \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=local' \
    -d "$2"
}

# Everything started here is recorded and stopped on exit; nothing else is touched.
PIDS=()
QUEUES=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for url in "${QUEUES[@]}"; do sqs DeleteQueue "{\"QueueUrl\":\"$url\"}" >/dev/null 2>&1 || true; done
  "${PSQL[@]}" -c "DELETE FROM webhook_endpoints WHERE tenant_id IN (SELECT id FROM tenants WHERE slug = '$RUN')" >/dev/null 2>&1 || true
  "${PSQL[@]}" -c "DELETE FROM outbox_messages WHERE tenant_id IN (SELECT id FROM tenants WHERE slug = '$RUN') AND sent_at IS NULL" >/dev/null 2>&1 || true
  rm -rf "$LOGS"
}
trap cleanup EXIT

echo "== build (Release): API, workers"
dotnet build src/Api -c Release -v q -nologo >/dev/null
dotnet build src/Workers -c Release -v q -nologo >/dev/null
API_DIR="$PWD/src/Api/bin/Release/net10.0"
WORKERS_DIR="$PWD/src/Workers/bin/Release/net10.0"
ASPNETCORE_ENVIRONMENT=Development dotnet "$API_DIR/BookingAws.Api.dll" migrate --contentRoot "$API_DIR" >/dev/null

# Queues of this run only (every concern the workers consume), so no one else's workers see these events.
QUEUE_ENV=()
for concern in notifications analytics payments availability webhooks email-events; do
  url=$(sqs CreateQueue "{\"QueueName\":\"$RUN-$concern\"}" | sed -E 's/.*"QueueUrl":"([^"]+)".*/\1/')
  QUEUES+=("$url")
  key=$(sed -E 's/(^|-)([a-z])/\U\2/g' <<<"$concern")
  QUEUE_ENV+=("Sqs__Queues__$key=$RUN-$concern")
done

echo "== seed business $RUN (20 free packages) and its endpoint -> 127.0.0.1:$RECEIVER_PORT"
BASE_EPOCH=$(date -u -d "$(date -u +%F)" +%s)
seed_hold_tenant "$RUN" "$BASE_EPOCH" 0 0
TENANT=$("${PSQL[@]}" -At -c "SELECT id FROM tenants WHERE slug = '$RUN'")
"${PSQL[@]}" -c "INSERT INTO webhook_endpoints (id, tenant_id, url, event_types, signing_secret, created_at)
  VALUES (gen_random_uuid(), '$TENANT', 'http://127.0.0.1:$RECEIVER_PORT/hooks', '{booking.held.v1}', 'whsec_bench', now())"
PACKAGES="$LOGS/packages"
"${PSQL[@]}" -At -c "SELECT package FROM bench_items ORDER BY n" >"$PACKAGES"

RECEIVED="$LOGS/received"
: >"$RECEIVED"
node bench/webhook-receiver.mjs "$RECEIVER_PORT" "$RECEIVED" >"$LOGS/receiver.log" 2>&1 &
PIDS+=($!)

echo "== start API and workers (Release; loopback targets allowed for this run's receiver)"
start_api "$PORT" "$LOGS/api.log"
PIDS+=("$API_PID")
env "${QUEUE_ENV[@]}" DOTNET_ENVIRONMENT=Development Workers__Relay__TenantId="$TENANT" Workers__Reminders__LocalTimerEnabled=false \
  Webhooks__AllowLoopbackTargets=true Serilog__MinimumLevel__Default=Warning OTEL_EXPORTER_OTLP_ENDPOINT='' \
  dotnet "$WORKERS_DIR/BookingAws.Workers.dll" >"$LOGS/workers.log" 2>&1 &
PIDS+=($!)

hold_load() { # seconds
  BENCH_SLUG="$RUN" BENCH_BASE_EPOCH="$BASE_EPOCH" BENCH_PACKAGES="$PACKAGES" \
    wrk -t1 -c"$CONNECTIONS" -d"${1}s" --timeout 30s -s bench/holds.lua "http://127.0.0.1:$PORT" >>"$LOGS/wrk.log"
}
held_events() { "${PSQL[@]}" -At -c "SELECT count(*) FROM outbox_messages WHERE tenant_id = '$TENANT' AND type = 'booking.held.v1' AND occurred_at > '$1'"; }
# Waits until every held event since $1 has reached the receiver, at most 120 s.
drain() {
  local events _
  events=$(held_events "$1")
  for _ in $(seq 1 600); do
    [ "$(sort -u -k2,2 "$RECEIVED" | wc -l)" -ge "$events" ] && break
    sleep 0.2
  done
}

# Warm-up, outside the figures: the API's and workers' first requests (JIT, pools, queues found) and a backlog made
# while the workers were still starting would otherwise be measured as delivery time.
echo "== warm-up: 5 s of holds, drained"
hold_load 5
drain "-infinity"
: >"$RECEIVED"
SINCE=$("${PSQL[@]}" -At -c "SELECT now()")

echo "== guest holds for ${DURATION}s (c=$CONNECTIONS)"
hold_load "$DURATION"
EVENTS=$(held_events "$SINCE")
drain "$SINCE"
DELIVERED=$(sort -u -k2,2 "$RECEIVED" | wc -l)
pct() { sort -n -k1,1 "$RECEIVED" | awk -v p="$1" '{ a[NR] = $1 } END { i = int((NR * p + 99) / 100); if (i < 1) i = 1; printf "%.3f", a[i] / 1000 }'; }
# Of that, the outbox relay's part (the change to SQS), which every consumer shares.
RELAY_P99=$("${PSQL[@]}" -At -c "SELECT round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - occurred_at))::numeric, 3)
  FROM outbox_messages WHERE tenant_id = '$TENANT' AND occurred_at > '$SINCE'")
FAILED=$("${PSQL[@]}" -At -c "SELECT count(*) FROM webhook_attempts WHERE tenant_id = '$TENANT' AND NOT succeeded AND attempted_at > '$SINCE'")
echo "WEBHOOKS events=$EVENTS delivered=$DELIVERED failed_attempts=$FAILED rate_per_s=$(awk -v n="$EVENTS" -v d="$DURATION" 'BEGIN { printf "%.0f", n / d }') p50_s=$(pct 50) p99_s=$(pct 99) max_s=$(pct 100) relay_p99_s=$RELAY_P99 (from the change to receipt; target p99 < 60 s)"
