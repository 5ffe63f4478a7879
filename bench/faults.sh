#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2154 # the node -e programs are JavaScript; the Stripe__ and other settings come from the env file
# Fault drill: the local fleet (./platform up --fleet: HAProxy as the ALB in front of two API instances, two
# workers, PostgreSQL primary + streaming replica, Redis, SQS, SES and Stripe stand-ins) under a steady mixed load
# (bench/faults/load.mjs: guest and signed-in holds, email proofs, paid bookings confirmed by the Stripe emulator's
# signed webhooks, cancellations, month availability reads, hub watchers), with one fault injected at a time and
# time to recover between. Prints one row per fault and a summary line; asserts nothing.
#
# Usage: bench/faults.sh [fault ...]    faults, in this order by default:
#   api-kill      kill -9 of API instance 1 (the supervisor restarts it)
#   worker-kill   kill -9 of worker 1 while it handles messages (the supervisor restarts it)
#   redis         Redis stopped (SIGSTOP: connections hang, as in a partition) for FAULT_SECONDS
#   sqs           the SQS server stopped the same way for FAULT_SECONDS (its queues are in memory: kill would lose them)
#   ses           SES answering 503 for SES_OUTAGE_SECONDS, then 5 s slow for FAULT_SECONDS
#   stripe        the Stripe emulator 5 s slow for FAULT_SECONDS, then failing every call for FAULT_SECONDS
#   replica       the replica stopped for FAULT_SECONDS
#   failover      the primary killed and the replica promoted (pg_ctl promote), as Aurora fails over; always last.
#                 Replication is made synchronous first, as Aurora's storage quorum acknowledges no commit it could
#                 lose. Afterwards the promoted replica becomes the platform's primary and a new replica is cloned.
# Settings: FAULT_SECONDS (60), SES_OUTAGE_SECONDS (180), RECOVERY_SECONDS (30), LOAD_USERS (12), LOAD_WATCHERS (50).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=tools/local/lib/common.sh
source tools/local/lib/common.sh
# shellcheck source=tools/local/lib/services.sh
source tools/local/lib/services.sh

FAULT_SECONDS="${FAULT_SECONDS:-60}"
SES_OUTAGE_SECONDS="${SES_OUTAGE_SECONDS:-180}"
RECOVERY_SECONDS="${RECOVERY_SECONDS:-30}"
ALL_FAULTS=(api-kill worker-kill redis sqs ses stripe replica failover)
if (($# > 0)); then FAULTS=("$@"); else FAULTS=("${ALL_FAULTS[@]}"); fi
for f in "${FAULTS[@]}"; do
  [[ " ${ALL_FAULTS[*]} " == *" $f "* ]] || die "unknown fault $f (known: ${ALL_FAULTS[*]})"
done

RUN_DIR="$(mktemp -d /tmp/bookingaws-faults.XXXXXX)"
PHASE_FILE="$RUN_DIR/phase"
RECORDS="$RUN_DIR/load.jsonl"
SES_PROXY_PORT="${SES_PROXY_PORT:-58106}"
API="http://127.0.0.1:$BOOKINGAWS_API_PORT"
echo baseline >"$PHASE_FILE"
echo "== run folder $RUN_DIR"

cleanup() {
  set +e
  [[ -n "${LOAD_PID:-}" ]] && kill "$LOAD_PID" 2>/dev/null && wait "$LOAD_PID" 2>/dev/null
  [[ -n "${UP_PID:-}" ]] && kill -TERM "$UP_PID" 2>/dev/null && wait "$UP_PID" 2>/dev/null
  [[ -n "${PROXY_PID:-}" ]] && kill "$PROXY_PID" 2>/dev/null
  for name in redis sqs; do
    pid="$(cat "$(pid_file "$name")" 2>/dev/null)" && kill -CONT "$pid" 2>/dev/null
  done
  curl -sf -X POST "$Stripe__ApiBase/test/config" -H 'Content-Type: application/json' -d '{"webhookConcurrency":1}' >/dev/null
  curl -sf -X DELETE "$Stripe__ApiBase/test/faults" >/dev/null
}
trap cleanup EXIT

./platform services >/dev/null
set -a
# shellcheck source=/dev/null # written by ./platform
. "$ENV_FILE"
set +a
resolve_pg_root

# SES behind a proxy the script can make fail or slow; the apps reach SES only through it.
SES_PROXY_TARGET="http://127.0.0.1:$BOOKINGAWS_SES_PORT" node bench/ses-delay-proxy.mjs "$SES_PROXY_PORT" 0 >"$RUN_DIR/ses-proxy.log" 2>&1 &
PROXY_PID=$!
# Stripe sends webhooks concurrently; the emulator's default (one at a time, in order) is for tests.
curl -sf -X POST "$Stripe__ApiBase/test/config" -H 'Content-Type: application/json' -d '{"webhookConcurrency":8}' >/dev/null
ses_faults() { curl -sf -X POST "http://127.0.0.1:$SES_PROXY_PORT/__faults" -d "$1" >/dev/null; }
stripe_faults() { curl -sf -X "${2:-POST}" "$Stripe__ApiBase/test/faults" -H 'Content-Type: application/json' -d "$1" >/dev/null; }

echo "== ./platform up --fleet (log: $RUN_DIR/up.log)"
# The load comes from one address and one signed-in customer: the abuse limits would throttle it, and are not under test.
BOOKINGAWS_SES_URL="http://127.0.0.1:$SES_PROXY_PORT" RateLimits__Enabled=false ./platform up --fleet >"$RUN_DIR/up.log" 2>&1 &
UP_PID=$!
for _ in $(seq 1 600); do
  grep -q "The fleet" "$RUN_DIR/up.log" 2>/dev/null && break
  kill -0 "$UP_PID" 2>/dev/null || { tail -20 "$RUN_DIR/up.log"; die "./platform up --fleet exited"; }
  sleep 1
done
curl -sf "$API/health/ready" >/dev/null || die "the fleet is not ready; see $RUN_DIR/up.log"

PSQL_PORT=$BOOKINGAWS_PG_PORT
psql_owner() { PGPASSWORD=bookingaws psql -X -q -A -t -h 127.0.0.1 -p "$PSQL_PORT" -U bookingaws -d bookingaws "$@"; }
state() { node bench/faults/state.mjs "$@"; }
field() { node -e 'const s = JSON.parse(process.argv[1]); console.log(s[process.argv[2]])' "$1" "$2"; }

# Seats of one item, at one moment, taken by more live allocations than the item has: the oversell check.
OVERSOLD_SQL="
SELECT count(*) FROM (
  SELECT a.inventory_item_id, a.occupied_from
  FROM booking_allocations a JOIN booking_allocations b ON b.inventory_item_id = a.inventory_item_id
    AND b.occupied_from <= a.occupied_from AND b.occupied_to > a.occupied_from
    AND (b.held_until IS NULL OR b.held_until > now())
  JOIN inventory_items i ON i.id = a.inventory_item_id
  WHERE a.held_until IS NULL OR a.held_until > now()
  GROUP BY a.inventory_item_id, a.occupied_from, a.booking_id, i.quantity HAVING sum(b.units) > i.quantity) o"

echo "== load (users ${LOAD_USERS:-12}, watchers ${LOAD_WATCHERS:-50}; records: $RECORDS)"
node bench/faults/load.mjs --api "$API" --out "$RECORDS" --phase-file "$PHASE_FILE" \
  --users "${LOAD_USERS:-12}" --watchers "${LOAD_WATCHERS:-50}" >"$RUN_DIR/load.log" 2>&1 &
LOAD_PID=$!
sleep "$RECOVERY_SECONDS"

pid_of() { cat "$(pid_file "$1")"; }
wait_healthy() { # URL SECONDS
  local deadline=$((SECONDS + $2))
  until curl -sf -m 3 "$1" >/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

inject_api-kill() {
  local old
  old="$(pid_of api-1)"
  kill -9 "$old"
  # The supervisor notices within a second and starts a new instance; HAProxy takes it back after 2 checks.
  local deadline=$((SECONDS + 120))
  while [[ "$(pid_of api-1 2>/dev/null)" == "$old" ]] && ((SECONDS < deadline)); do sleep 1; done
  wait_healthy "http://127.0.0.1:$(api_instance_port 1)/health/ready" 120 || warn "API instance 1 did not come back"
  sleep 5
}
inject_worker-kill() {
  kill -9 "$(pid_of workers-1)"
  sleep 20
}
inject_redis() {
  kill -STOP "$(pid_of redis)"
  sleep "$FAULT_SECONDS"
  kill -CONT "$(pid_of redis)"
}
inject_sqs() {
  kill -STOP "$(pid_of sqs)"
  sleep "$FAULT_SECONDS"
  kill -CONT "$(pid_of sqs)"
}
inject_ses() {
  ses_faults '{"status":503,"delayMs":0}'
  sleep "$SES_OUTAGE_SECONDS"
  ses_faults '{"status":0,"delayMs":5000}'
  sleep "$FAULT_SECONDS"
  ses_faults '{"status":0,"delayMs":0}'
}
inject_stripe() {
  stripe_faults '{"latencyMs":5000}'
  sleep "$FAULT_SECONDS"
  stripe_faults '{"latencyMs":0,"failNextRequests":1000000}'
  sleep "$FAULT_SECONDS"
  stripe_faults '' DELETE
}
inject_replica() {
  as_postgres "$BOOKINGAWS_PG_BIN/pg_ctl" -D "$PG_REPLICA_DIR" -m immediate stop >/dev/null
  sleep "$FAULT_SECONDS"
  pg_ctl_start "$PG_REPLICA_DIR" "$PG_REPLICA_LOG"
  record_pid pg-replica "$(postmaster_pid "$PG_REPLICA_DIR")"
}
inject_failover() {
  # Aurora acknowledges a commit only once its storage quorum has it; synchronous replication is the local equivalent.
  PGPASSWORD=bookingaws psql -X -q -h "$PG_SOCKETS" -p "$BOOKINGAWS_PG_PORT" -U postgres -d postgres \
    -c "ALTER SYSTEM SET synchronous_standby_names = 'replica'" -c "ALTER SYSTEM SET synchronous_commit = 'on'" \
    -c "SELECT pg_reload_conf()" >/dev/null
  sleep 5
  kill -9 "$(postmaster_pid "$PG_PRIMARY_DIR")"
  sleep 2
  as_postgres "$BOOKINGAWS_PG_BIN/pg_ctl" -D "$PG_REPLICA_DIR" -w promote >/dev/null
  PSQL_PORT=$BOOKINGAWS_PG_REPLICA_PORT
  sleep "$FAULT_SECONDS"
}

# A succeeded, unrefunded charge for a booking that is missing, or held or expired (never confirmed), is an orphaned
# charge; a cancelled booking keeps what its policy lets the business keep.
orphaned_charges() {
  psql_owner -v ON_ERROR_STOP=1 <<SQL | tail -1
CREATE TEMP TABLE paid (booking uuid);
\copy paid FROM '$RUN_DIR/paid.txt'
SELECT count(*) FROM paid p LEFT JOIN bookings b ON b.id = p.booking WHERE b.id IS NULL OR b.status IN ('held', 'expired');
SQL
}
# Emails that reached SES beyond the one the workers recorded sending (email_deliveries: one row per message and template).
duplicate_emails() {
  psql_owner -v ON_ERROR_STOP=1 <<SQL | tail -1
CREATE TEMP TABLE sent (recipient text, subject text, n int);
\copy sent FROM '$RUN_DIR/sent.tsv'
SELECT coalesce(sum(greatest(s.n - coalesce(d.n, 0), 0)), 0) FROM sent s
LEFT JOIN (SELECT recipient, subject, count(*) AS n FROM email_deliveries GROUP BY 1, 2) d USING (recipient, subject);
SQL
}

TOTAL_LOST=0 TOTAL_OVERSOLD=0 TOTAL_DUPLICATES=0 TOTAL_DLQ=0 WORST_RECOVERY=0
BEFORE="$(state --paid "$RUN_DIR/paid.txt" --sent "$RUN_DIR/sent.tsv")"
ORPHANED_BEFORE=$(orphaned_charges) DUPLICATE_EMAILS_BEFORE=$(duplicate_emails)
printf '%-12s %8s %7s %5s %8s %9s %5s %9s %11s %10s %6s\n' fault requests failed 5xx p99_ms recovery_s lost oversold dup_emails dup_charges dlq
for fault in "${FAULTS[@]}"; do
  [[ $fault == failover && ${FAULTS[-1]} != failover ]] && die "failover must be the last fault"
  echo "$fault" >"$PHASE_FILE"
  started_ms=$(date +%s%3N)
  "inject_$fault"
  sleep "$RECOVERY_SECONDS"
  echo "after-$fault" >"$PHASE_FILE"
  sleep 2
  AFTER="$(state --paid "$RUN_DIR/paid.txt" --sent "$RUN_DIR/sent.tsv")"

  # Requests from injection to the end of recovery; a failure is a 5xx or no answer (4xx are the API's answers).
  read -r sent failed five p99 recovery < <(node -e '
    const fs = require("fs");
    const [file, fault, start] = process.argv.slice(1);
    // "code" lines are the load waiting for an emailed code (SES), not answers of the API.
    const rows = fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map(JSON.parse).filter((r) => r.phase === fault && r.op !== "code");
    const failed = rows.filter((r) => r.status === 0 || r.status >= 500);
    const ms = rows.map((r) => r.ms).sort((a, b) => a - b);
    const p99 = ms.length ? ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.99))] : 0;
    const last = failed.length ? Math.max(...failed.map((r) => r.t + r.ms)) : Number(start);
    console.log(rows.length, failed.length, rows.filter((r) => r.status >= 500).length, Math.round(p99), Math.round((last - Number(start)) / 1000));
  ' "$RECORDS" "$fault" "$started_ms")

  # Every booking the API answered 2xx for must be in the database as its last answer promised: there at all for
  # a hold, confirmed (or since completed or cancelled) for a confirmation, cancelled for a cancellation.
  node -e '
    const fs = require("fs");
    const rows = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map(JSON.parse);
    const promised = new Map();
    for (const r of rows) if (r.status >= 200 && r.status < 300 && r.booking && r.expect) promised.set(r.booking, r.expect);
    for (const [b, e] of promised) console.log(`${b},${e}`);
  ' "$RECORDS" >"$RUN_DIR/promised.csv"
  lost=$(psql_owner -v ON_ERROR_STOP=1 <<SQL | tail -1
CREATE TEMP TABLE promised (booking uuid, expect text);
\copy promised FROM '$RUN_DIR/promised.csv' WITH (FORMAT csv)
SELECT count(*) FROM promised p LEFT JOIN bookings b ON b.id = p.booking
WHERE b.id IS NULL OR (p.expect = 'confirmed' AND b.status NOT IN ('confirmed', 'cancelled', 'completed'))
  OR (p.expect = 'cancelled' AND b.status <> 'cancelled');
SQL
)
  lost=$((lost - TOTAL_LOST))
  oversold=$(($(psql_owner -c "$OVERSOLD_SQL") - TOTAL_OVERSOLD))
  # A succeeded, unrefunded charge for a booking that is not confirmed (nor completed) is an orphaned charge.
  orphaned=$(orphaned_charges)
  duplicate_emails=$(duplicate_emails)
  dup_emails=$((duplicate_emails - DUPLICATE_EMAILS_BEFORE))
  dup_charges=$(($(field "$AFTER" duplicateCharges) - $(field "$BEFORE" duplicateCharges) + orphaned - ORPHANED_BEFORE))
  dlq=$(($(field "$AFTER" deadLettered) - $(field "$BEFORE" deadLettered)))
  ORPHANED_BEFORE=$orphaned DUPLICATE_EMAILS_BEFORE=$duplicate_emails
  BEFORE="$AFTER"
  printf '%-12s %8s %7s %5s %8s %9s %5s %9s %11s %10s %6s\n' "$fault" "$sent" "$failed" "$five" "$p99" "$recovery" "$lost" "$oversold" "$dup_emails" "$dup_charges" "$dlq"
  TOTAL_LOST=$((TOTAL_LOST + lost)) TOTAL_OVERSOLD=$((TOTAL_OVERSOLD + oversold))
  TOTAL_DUPLICATES=$((TOTAL_DUPLICATES + dup_emails + dup_charges)) TOTAL_DLQ=$((TOTAL_DLQ + dlq))
  ((recovery > WORST_RECOVERY)) && WORST_RECOVERY=$recovery
done

kill "$LOAD_PID" 2>/dev/null
wait "$LOAD_PID" 2>/dev/null || true
LOAD_PID=""
tail -1 "$RUN_DIR/load.log"

if [[ " ${FAULTS[*]} " == *" failover "* ]]; then
  echo "== the promoted replica becomes the platform's primary; a new replica is cloned from it"
  kill -TERM "$UP_PID" 2>/dev/null
  wait "$UP_PID" 2>/dev/null || true
  UP_PID=""
  ./platform down >/dev/null
  as_postgres "$BOOKINGAWS_PG_BIN/pg_ctl" -D "$PG_REPLICA_DIR" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_PRIMARY_DIR"
  mv "$PG_REPLICA_DIR" "$PG_PRIMARY_DIR"
  ./platform services >/dev/null
fi

echo "faults: ${#FAULTS[@]} faults, $TOTAL_LOST lost, $TOTAL_OVERSOLD oversold, $TOTAL_DUPLICATES duplicates, $TOTAL_DLQ dead-lettered, worst recovery $WORST_RECOVERY s"
