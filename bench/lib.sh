# shellcheck shell=bash disable=SC2034  # API_DIR, WORKERS_DIR, API_PID and PSQL are for the scripts that source this one
# Shared by the bench scripts (sourced after `cd` to the repository root): the local services, Release builds,
# the owner's psql, bench tenants and the app processes, each started the way bench/holds.sh always has.

# Builds the given projects in Release, starts the services and loads their settings, migrates.
bench_setup() { # project...
  command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  ./platform services >/dev/null
  set -a
  # shellcheck source=/dev/null # written by ./platform
  . .platform/env
  set +a
  local project
  for project in "$@"; do
    echo "== build $project (Release)"
    dotnet build "$project" -c Release -v q -nologo >/dev/null
  done
  API_DIR="$PWD/src/Api/bin/Release/net10.0"
  WORKERS_DIR="$PWD/src/Workers/bin/Release/net10.0"
  ASPNETCORE_ENVIRONMENT=Development dotnet "$API_DIR/BookingAws.Api.dll" migrate --contentRoot "$API_DIR" >/dev/null
  PSQL=(psql "postgresql://bookingaws:bookingaws@127.0.0.1:${BOOKINGAWS_PG_PORT:-55432}/bookingaws" -X -q -v ON_ERROR_STOP=1)
}

# Removes bench tenants and everything they wrote.
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

# The hold bench's business (bench/holds.lua's target): 20 packages, each with its own inventory item of a million
# units, open 00:00-23:30 UTC every day, with existing confirmed bookings so plans are the ones a busy table gets.
# Fills table bench_items (n, tenant, package, item, customer, base).
seed_hold_tenant() { # slug base-epoch price-minor bookings-per-package
  "${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE TABLE IF NOT EXISTS bench_items (n int PRIMARY KEY, tenant uuid, package uuid, item uuid, customer uuid, base timestamptz);
TRUNCATE bench_items;
WITH t AS (
  INSERT INTO tenants (id, slug, name, time_zone, currency, created_at, policy_buffer_after_minutes, policy_buffer_before_minutes,
    policy_cancellation_window_hours, policy_hold_minutes, policy_horizon_days, policy_late_refund_percent, policy_lead_time_minutes,
    policy_refund_rule, policy_reschedule_window_hours, policy_slot_step_minutes)
  VALUES (gen_random_uuid(), '$1', 'Bench', 'Etc/UTC', 'GBP', now(), 0, 0, 24, 10, 90, 0, 0, 'FullBeforeWindow', 24, 30)
  RETURNING id)
INSERT INTO bench_items (n, tenant, package, item, customer, base)
SELECT n, t.id, gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), to_timestamp($2) FROM t, generate_series(1, 20) n;
INSERT INTO inventory_items (id, tenant_id, name, quantity, archived, created_at) SELECT item, tenant, 'Item ' || n, 1000000, false, now() FROM bench_items;
INSERT INTO packages (id, tenant_id, name, duration_minutes, price_minor, currency, max_seats, archived, created_at)
  SELECT package, tenant, 'Package ' || n, 30, $3, 'GBP', 10, false, now() FROM bench_items;
INSERT INTO package_inventory (package_id, inventory_item_id, units, per_seat) SELECT package, item, 1, true FROM bench_items;
INSERT INTO customers (id, tenant_id, email, name, created_at) SELECT customer, tenant, 'seed' || n || '@example.test', 'Seed', now() FROM bench_items;
INSERT INTO opening_hours (id, tenant_id, day, opens, closes)
  SELECT gen_random_uuid(), (SELECT tenant FROM bench_items LIMIT 1), d, '00:00', '23:30' FROM generate_series(1, 7) d;
WITH s AS (
  SELECT gen_random_uuid() AS id, i.*, i.base + make_interval(days => (g % 60) + 2, mins => 540 + (g % 26) * 30) AS st
  FROM bench_items i, generate_series(1, $4) g),
b AS (
  INSERT INTO bookings (id, tenant_id, package_id, customer_id, status, seats, starts_at, ends_at, amount_minor, currency, created_at, updated_at, confirmed_at)
  SELECT id, tenant, package, customer, 'confirmed', 1, st, st + interval '30 minutes', 1000, 'GBP', now(), now(), now() FROM s
  RETURNING id, tenant_id, package_id, starts_at, ends_at)
INSERT INTO booking_allocations (booking_id, inventory_item_id, tenant_id, units, occupied_from, occupied_to)
SELECT b.id, i.item, b.tenant_id, 1, b.starts_at, b.ends_at FROM b JOIN bench_items i ON i.package = b.package_id;
SQL
}

# The API in Release with the production pipeline (no developer exception page, no dev endpoints) and the settings
# Development would have supplied given explicitly; the user pool settings come from .platform/env. The abuse limits
# are raised to BENCH_LIMIT: one client, one business. Extra NAME=VALUE settings follow the log file. Sets API_PID.
start_api() { # port log-file [NAME=VALUE...]
  local port=$1 log=$2
  shift 2
  env ASPNETCORE_ENVIRONMENT=Production Serilog__MinimumLevel__Default=Warning OTEL_EXPORTER_OTLP_ENDPOINT= \
    Links__SigningKey=bench-link-key-bench-link-key-0123456789 \
    Stripe__ApiKey=sk_test_local \
    Stripe__WebhookSecret=whsec_local_emulator \
    RateLimits__Holds__PerIp__PermitLimit="$BENCH_LIMIT" RateLimits__Holds__PerEmail__PermitLimit="$BENCH_LIMIT" \
    RateLimits__Holds__PerBusiness__PermitLimit="$BENCH_LIMIT" RateLimits__MaxActiveHoldsPerEmail="$BENCH_LIMIT" \
    "$@" dotnet "$API_DIR/BookingAws.Api.dll" --urls "http://127.0.0.1:$port" --contentRoot "$API_DIR" >"$log" 2>&1 &
  API_PID=$!
  wait_live "http://127.0.0.1:$port" || { tail -20 "$log"; echo "the API on port $port did not start" >&2; return 1; }
}

wait_live() { # base-url
  local _
  for _ in $(seq 1 150); do
    curl -sf "$1/health/live" >/dev/null && return 0
    sleep 0.2
  done
  return 1
}

# Resident memory (MB) and CPU seconds (user + system) of a process.
rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
# CPU seconds of a server and its children (a PostgreSQL cluster's backends, WAL sender and receiver), counting
# children that have exited; a server's share of the cores the API competes with.
tree_cpu_seconds() {
  # Fields counted after the "(comm) ", which may hold spaces: f[2] ppid, f[12..15] utime stime cutime cstime.
  # cat, not awk's own file list: a process that exits meanwhile is skipped rather than ending the read.
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v hz="$(getconf CLK_TCK)" -v root="$1" '{ rest = $0; sub(/^[^(]*\(.*\) /, "", rest)
    split(rest, f, " "); if ($1 == root || f[2] == root) s += f[12] + f[13] + f[14] + f[15] } END { printf "%.2f", s / hz }'
}
