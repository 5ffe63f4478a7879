#!/usr/bin/env bash
# Worker throughput end to end: N confirmed-booking outbox rows for one fresh tenant, timed from the insert until
# every confirmation email is in the SES-compatible server's store. Needs the platform services and migrated schema
# (same env vars as the apps) and a built src/Workers.
# TODO (lead): compare booking-confirmation p99 with SES delayed 5 s per call against a baseline that sends inside the
# request, once the API's confirm endpoint exists (delay SES with a proxy, drive the endpoint with wrk/hey).
set -euo pipefail
N="${1:-200}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PG="${ConnectionStrings__Primary:-Host=127.0.0.1;Port=55432;Database=bookingaws;Username=bookingaws;Password=bookingaws}"
port() { sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$PG"; }
PSQL=(psql -h 127.0.0.1 -p "$(port)" -U bookingaws -d bookingaws -qtA)
export PGPASSWORD=bookingaws
SES="${Ses__ServiceUrl:-http://127.0.0.1:58005}"
RUN="bench$(date +%s)"

"${PSQL[@]}" <<SQL
INSERT INTO tenants (id, slug, name, time_zone, currency, created_at, policy_lead_time_minutes, policy_horizon_days, policy_slot_step_minutes,
  policy_buffer_before_minutes, policy_buffer_after_minutes, policy_hold_minutes, policy_reschedule_window_hours, policy_cancellation_window_hours,
  policy_refund_rule, policy_late_refund_percent)
VALUES (gen_random_uuid(), '$RUN', 'Bench $RUN', 'Europe/London', 'GBP', now(), 60, 90, 30, 0, 0, 10, 24, 24, 'FullBeforeWindow', 0);
SQL
TENANT=$("${PSQL[@]}" -c "SELECT id FROM tenants WHERE slug = '$RUN'")
"${PSQL[@]}" <<SQL
INSERT INTO packages (id, tenant_id, name, duration_minutes, price_minor, currency, max_seats, archived, created_at)
VALUES (gen_random_uuid(), '$TENANT', 'Bench package', 60, 1000, 'GBP', 4, false, now());
INSERT INTO customers (id, tenant_id, email, name, created_at) VALUES (gen_random_uuid(), '$TENANT', '$RUN@example.com', 'Bench', now());
SQL

Workers__Relay__TenantId="$TENANT" Workers__Reminders__LocalTimerEnabled=false \
  dotnet "$ROOT/src/Workers/bin/Debug/net10.0/BookingAws.Workers.dll" >/dev/null 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT
sleep 3

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

while :; do
  SENT=$(curl -s "$SES/store" | { grep -o "\"$RUN@example.com\"" || true; } | wc -l)
  [ "$SENT" -ge "$N" ] && break
  sleep 0.2
done
END=$(date +%s.%N)
awk -v n="$N" -v s="$START" -v e="$END" 'BEGIN { t = e - s; printf "%d confirmations, outbox insert to email stored: %.2f s (%.1f msg/s)\n", n, t, n / t }'
