# shellcheck shell=bash
# Start, check and stop each local service for ./platform. Sourced after common.sh.
#
# Every ensure_* function is idempotent: a service this checkout started (live pid file) or one
# that answers healthily on its port (for example started from another checkout) is left alone;
# anything else on the port is an error. Services started here are appended to STARTED.

# ensure_service NAME PORT HEALTH_FN START_FN
ensure_service() {
  local name="$1" port="$2" health="$3" start="$4" pid
  if pid="$(recorded_pid "$name" "$(pattern_for "$name")")"; then
    if "$health"; then
      info "    $name already running (pid $pid, port $port)"
      return 0
    fi
    die "$name (pid $pid) is running but not healthy on port $port; see $LOGS_DIR/$name.log or run ./platform down"
  fi
  rm -f "$(pid_file "$name")"
  if port_open "$port"; then
    if "$health"; then
      info "    $name already running on port $port (not started from this checkout; left alone)"
      return 0
    fi
    die "port $port is in use by something that is not a healthy $name; free it or set the port variable (see README)"
  fi
  "$start"
  STARTED+=("$name")
  info "    started $name (pid $(head -n 1 "$(pid_file "$name")" 2>/dev/null), port $port)"
}

alive() {
  [[ -r "/proc/$1/cmdline" ]] && [[ -n "$(tr -d '\0' 2>/dev/null <"/proc/$1/cmdline")" ]]
}

# ---------------------------------------------------------------------------------------------
# Prerequisites
# ---------------------------------------------------------------------------------------------
ensure_prerequisites() {
  command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is required; see global.json for the version"
  command -v node >/dev/null || die "Node.js 20 or newer is required"
  local node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  ((node_major >= 20)) || die "Node.js 20 or newer is required (found $(node --version))"

  local missing=()
  [[ -x "$BOOKINGAWS_PG_BIN/pg_ctl" ]] || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  command -v curl >/dev/null || missing+=(curl)
  command -v runuser >/dev/null || missing+=(util-linux)
  command -v shellcheck >/dev/null || missing+=(shellcheck)
  command -v jq >/dev/null || missing+=(jq)
  if ((${#missing[@]} > 0)); then
    [[ "$(id -u)" == 0 ]] || die "missing Debian packages: ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root"
    info "    installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >"$LOGS_DIR/apt.log" 2>&1 ||
      { show_log_tail "$LOGS_DIR/apt.log"; die "apt-get update failed; see $LOGS_DIR/apt.log"; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$LOGS_DIR/apt.log" 2>&1 ||
      { show_log_tail "$LOGS_DIR/apt.log"; die "apt-get install failed; see $LOGS_DIR/apt.log"; }
    [[ -x "$BOOKINGAWS_PG_BIN/pg_ctl" ]] || die "PostgreSQL binaries not found in $BOOKINGAWS_PG_BIN after install (set BOOKINGAWS_PG_BIN)"
  fi
}

ensure_npm_packages() {
  local stamp="$TOOLS_DIR/node_modules/.bookingaws-lock.sha256" want
  want="$(sha256sum "$TOOLS_DIR/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    info "    npm packages up to date"
    return 0
  fi
  (cd "$TOOLS_DIR" && npm ci --no-audit --no-fund --loglevel=error) >"$LOGS_DIR/npm.log" 2>&1 ||
    { show_log_tail "$LOGS_DIR/npm.log"; die "npm ci in tools/local failed; see $LOGS_DIR/npm.log"; }
  printf '%s\n' "$want" >"$stamp"
}

DASHBOARD_PROJECT="$TOOLS_DIR/aspire-dashboard/AspireDashboard.csproj"

# Prints the dashboard program's path from the restore output (honours NUGET_PACKAGES).
dashboard_program() {
  local assets="$TOOLS_DIR/aspire-dashboard/obj/project.assets.json"
  [[ -f "$assets" ]] || return 1
  node -e '
    const assets = require(process.argv[1]);
    const path = require("node:path");
    const fs = require("node:fs");
    for (const folder of Object.keys(assets.packageFolders ?? {})) {
      const program = path.join(folder, "aspire.dashboard.sdk.linux-x64", "13.6.5", "tools", "Aspire.Dashboard");
      if (fs.existsSync(program)) { console.log(program); process.exit(0); }
    }
    process.exit(1);
  ' "$assets"
}

ensure_dashboard_package() {
  if dashboard_program >/dev/null; then
    info "    Aspire dashboard package present"
    return 0
  fi
  dotnet restore "$DASHBOARD_PROJECT" -nologo >"$LOGS_DIR/dashboard-restore.log" 2>&1 ||
    { show_log_tail "$LOGS_DIR/dashboard-restore.log"; die "restoring the Aspire dashboard failed; see $LOGS_DIR/dashboard-restore.log"; }
  dashboard_program >/dev/null || die "Aspire dashboard program not found after restore; see $LOGS_DIR/dashboard-restore.log"
}

install_missing() {
  step "Debian packages" ensure_prerequisites
  step "npm packages (tools/local, npm ci)" ensure_npm_packages
  step "NuGet: Aspire dashboard" ensure_dashboard_package
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL primary + streaming replica
# ---------------------------------------------------------------------------------------------
# PostgreSQL refuses to run as root, so it runs as the postgres user, which must be able to reach
# its data directory. .platform/postgres is used when postgres can traverse the checkout;
# otherwise (for example a checkout under a private home directory) a folder under /tmp named
# from a hash of the checkout path. Unix socket paths are limited to ~107 bytes, so a very deep
# checkout also uses the /tmp folder.
resolve_pg_root() {
  local preferred="$PLATFORM_DIR/postgres" fallback
  fallback="/tmp/bookingaws-pg-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
  if (cd / && runuser -u postgres -- test -x "$PLATFORM_DIR") 2>/dev/null &&
    ((${#preferred} + 25 < 100)); then
    PG_ROOT="$preferred"
    rm -f "$PLATFORM_DIR/postgres-location"
  else
    PG_ROOT="$fallback"
    printf '%s\n' "$PG_ROOT" >"$PLATFORM_DIR/postgres-location"
  fi
  PG_SOCKETS="$PG_ROOT/run"
  PG_PRIMARY_DIR="$PG_ROOT/primary"
  PG_REPLICA_DIR="$PG_ROOT/replica"
  PG_PRIMARY_LOG="$PG_ROOT/logs/primary.log"
  PG_REPLICA_LOG="$PG_ROOT/logs/replica.log"
}

prepare_pg_root() {
  mkdir -p "$PG_ROOT/run" "$PG_ROOT/logs"
  chown postgres:postgres "$PG_ROOT" "$PG_ROOT/run" "$PG_ROOT/logs"
  chmod 0700 "$PG_ROOT"
}

as_postgres() { (cd / && runuser -u postgres -- "$@"); }

pg_query() { # PORT SQL: runs SQL as the bookingaws role over TCP, prints unaligned rows
  PGPASSWORD=bookingaws PGCONNECT_TIMEOUT=3 "$BOOKINGAWS_PG_BIN/psql" -X -q -A -t -h 127.0.0.1 -p "$1" \
    -U bookingaws -d bookingaws -c "$2" 2>/dev/null
}

pg_primary_healthy() { [[ "$(pg_query "$BOOKINGAWS_PG_PORT" 'select pg_is_in_recovery()')" == "f" ]]; }
pg_replica_healthy() { [[ "$(pg_query "$BOOKINGAWS_PG_REPLICA_PORT" 'select pg_is_in_recovery()')" == "t" ]]; }

# write_pg_conf DATADIR PORT: settings tuned for local tests, kept in their own file so they can be
# rewritten on every start. synchronous_commit=off trades the last few commits on a crash for
# speed; fsync stays on so a crashed machine never leaves a corrupt cluster.
write_pg_conf() {
  local dir="$1" port="$2"
  grep -q "^include_if_exists = 'bookingaws.conf'" "$dir/postgresql.conf" ||
    printf "\ninclude_if_exists = 'bookingaws.conf'\n" >>"$dir/postgresql.conf"
  cat >"$dir/bookingaws.conf" <<EOF
# Written by ./platform on every start.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$PG_SOCKETS'
max_connections = 300
shared_buffers = 128MB
synchronous_commit = off
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
wal_keep_size = 512MB
hot_standby = on
hot_standby_feedback = on
password_encryption = scram-sha-256
log_min_messages = warning
EOF
  chown postgres:postgres "$dir/bookingaws.conf"
}

pg_ctl_start() { # DATADIR LOG
  as_postgres "$BOOKINGAWS_PG_BIN/pg_ctl" -D "$1" -l "$2" -w -t "$BOOKINGAWS_START_TIMEOUT" start >/dev/null
}

postmaster_pid() { head -n 1 "$1/postmaster.pid" 2>/dev/null | tr -dc '0-9'; }

start_pg_primary() {
  if [[ ! -f "$PG_PRIMARY_DIR/PG_VERSION" ]]; then
    info "    initdb $PG_PRIMARY_DIR"
    rm -rf "$PG_PRIMARY_DIR"
    as_postgres "$BOOKINGAWS_PG_BIN/initdb" -D "$PG_PRIMARY_DIR" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$PG_ROOT/logs/initdb.log" 2>&1 ||
      { show_log_tail "$PG_ROOT/logs/initdb.log"; die "initdb failed; see $PG_ROOT/logs/initdb.log"; }
  fi
  write_pg_conf "$PG_PRIMARY_DIR" "$BOOKINGAWS_PG_PORT"
  pg_ctl_start "$PG_PRIMARY_DIR" "$PG_PRIMARY_LOG" ||
    { show_log_tail "$PG_PRIMARY_LOG"; die "PostgreSQL primary failed to start; see $PG_PRIMARY_LOG"; }
  record_pid pg-primary "$(postmaster_pid "$PG_PRIMARY_DIR")"
  # Local socket, trust auth: only root and postgres can reach the socket directory.
  "$BOOKINGAWS_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKETS" -p "$BOOKINGAWS_PG_PORT" -U postgres -d postgres \
    >>"$PG_PRIMARY_LOG" 2>&1 <<'SQL' || die "creating the bookingaws role failed; see $PG_PRIMARY_LOG"
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bookingaws') THEN
    CREATE ROLE bookingaws LOGIN CREATEDB PASSWORD 'bookingaws';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'replicator') THEN
    CREATE ROLE replicator LOGIN REPLICATION PASSWORD 'replicator';
  END IF;
END $$;
GRANT pg_monitor TO bookingaws;
-- `migrate` provisions the app's own least-privileged login role, as the master user does on Aurora.
ALTER ROLE bookingaws CREATEROLE;
SELECT 'CREATE DATABASE bookingaws OWNER bookingaws'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'bookingaws') \gexec
SQL
  # Function grants are per database. Tests pause and resume WAL replay on the replica to prove
  # read-your-writes under lag.
  "$BOOKINGAWS_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKETS" -p "$BOOKINGAWS_PG_PORT" -U postgres -d bookingaws \
    -c 'GRANT EXECUTE ON FUNCTION pg_wal_replay_pause(), pg_wal_replay_resume() TO bookingaws' \
    >>"$PG_PRIMARY_LOG" 2>&1 || die "granting replay control failed; see $PG_PRIMARY_LOG"
  wait_until "PostgreSQL primary" "$PG_PRIMARY_LOG" "" pg_primary_healthy
}

replica_matches_primary() {
  [[ -f "$PG_REPLICA_DIR/PG_VERSION" && -f "$PG_REPLICA_DIR/standby.signal" ]] || return 1
  local primary replica
  primary="$(pg_query "$BOOKINGAWS_PG_PORT" 'select system_identifier from pg_control_system()')" || return 1
  replica="$(as_postgres "$BOOKINGAWS_PG_BIN/pg_controldata" "$PG_REPLICA_DIR" 2>/dev/null |
    awk -F: '/Database system identifier/ { gsub(/ /, "", $2); print $2 }')"
  [[ -n "$primary" && "$primary" == "$replica" ]]
}

make_replica() {
  info "    pg_basebackup -R from port $BOOKINGAWS_PG_PORT into $PG_REPLICA_DIR"
  rm -rf "$PG_REPLICA_DIR"
  as_postgres "$BOOKINGAWS_PG_BIN/pg_basebackup" \
    -d "host=127.0.0.1 port=$BOOKINGAWS_PG_PORT user=replicator password=replicator application_name=replica" \
    -D "$PG_REPLICA_DIR" -R -X stream -c fast >"$PG_ROOT/logs/basebackup.log" 2>&1 ||
    { show_log_tail "$PG_ROOT/logs/basebackup.log"; die "pg_basebackup failed; see $PG_ROOT/logs/basebackup.log"; }
}

# try_start_replica: starts the replica and waits until it serves reads; fails instead of exiting
# so that a broken data directory can be re-created.
try_start_replica() {
  write_pg_conf "$PG_REPLICA_DIR" "$BOOKINGAWS_PG_REPLICA_PORT"
  pg_ctl_start "$PG_REPLICA_DIR" "$PG_REPLICA_LOG" || return 1
  record_pid pg-replica "$(postmaster_pid "$PG_REPLICA_DIR")"
  # A replica that accepts connections but cannot serve the bookingaws database for a few seconds
  # is broken (for example files missing), not merely catching up.
  local deadline=$((SECONDS + BOOKINGAWS_START_TIMEOUT)) accepting_since=""
  until pg_replica_healthy; do
    ((SECONDS < deadline)) || return 1
    if "$BOOKINGAWS_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$BOOKINGAWS_PG_REPLICA_PORT"; then
      accepting_since="${accepting_since:-$SECONDS}"
      ((SECONDS - accepting_since < 5)) || return 1
    fi
    sleep 0.2
  done
}

start_pg_replica() {
  wait_until "PostgreSQL primary (for the replica)" "$PG_PRIMARY_LOG" "" pg_primary_healthy
  replica_matches_primary || make_replica
  if ! try_start_replica; then
    show_log_tail "$PG_REPLICA_LOG"
    warn "replica did not become ready (see $PG_REPLICA_LOG); re-creating it from the primary"
    stop_postgres pg-replica "$PG_REPLICA_DIR"
    make_replica
    try_start_replica || { show_log_tail "$PG_REPLICA_LOG"; die "PostgreSQL replica failed to start; see $PG_REPLICA_LOG"; }
  fi
}

stop_postgres() { # NAME DATADIR
  local name="$1" dir="$2" pid
  pid="$(recorded_pid "$name" "-D $dir")" || pid=""
  # The pid file goes first, so a concurrent `up` sees a deliberate stop rather than a crash.
  rm -f "$(pid_file "$name")"
  if [[ -n "$pid" && "$(postmaster_pid "$dir")" == "$pid" ]]; then
    # A concurrent `./platform down` may have stopped it already; only a server still up is a failure.
    as_postgres "$BOOKINGAWS_PG_BIN/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null 2>&1 ||
      [[ ! -f "$dir/postmaster.pid" ]] || warn "pg_ctl stop failed for $dir; see $PG_ROOT/logs"
  fi
}

# ---------------------------------------------------------------------------------------------
# Redis, SQS, SES, Aspire dashboard, Stripe emulator
# ---------------------------------------------------------------------------------------------
redis_healthy() { [[ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$BOOKINGAWS_REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

start_redis() {
  mkdir -p "$PLATFORM_DIR/redis"
  : >"$LOGS_DIR/redis.log"
  redis-server --bind 127.0.0.1 --port "$BOOKINGAWS_REDIS_PORT" --daemonize yes --save '' --appendonly no \
    --dir "$PLATFORM_DIR/redis" --pidfile "$(pid_file redis)" --logfile "$LOGS_DIR/redis.log" ||
    { show_log_tail "$LOGS_DIR/redis.log"; die "Redis failed to start; see $LOGS_DIR/redis.log"; }
  wait_until "Redis" "$LOGS_DIR/redis.log" "" redis_healthy
}

sqs_healthy() { http_ok "http://127.0.0.1:$BOOKINGAWS_SQS_PORT/health"; }

start_sqs() {
  start_background sqs "$LOGS_DIR/sqs.log" env BOOKINGAWS_SQS_PORT="$BOOKINGAWS_SQS_PORT" \
    node "$TOOLS_DIR/sqs-server.mjs"
  wait_until "SQS server (fauxqs)" "$LOGS_DIR/sqs.log" "$LAST_PID" sqs_healthy
}

create_queues() {
  node "$TOOLS_DIR/create-queues.mjs" >"$LOGS_DIR/create-queues.log" 2>&1 ||
    { show_log_tail "$LOGS_DIR/create-queues.log"; die "creating SQS queues failed; see $LOGS_DIR/create-queues.log"; }
  sed 's/^/    /' "$LOGS_DIR/create-queues.log"
}

ses_healthy() { http_ok "http://127.0.0.1:$BOOKINGAWS_SES_PORT/health-check"; }

start_ses() {
  start_background ses "$LOGS_DIR/ses.log" \
    node "$TOOLS_DIR/node_modules/aws-ses-v2-local/dist/cli.js" --host 127.0.0.1 --port "$BOOKINGAWS_SES_PORT"
  wait_until "SES server (aws-ses-v2-local)" "$LOGS_DIR/ses.log" "$LAST_PID" ses_healthy
}

dashboard_healthy() { http_ok "http://127.0.0.1:$BOOKINGAWS_DASHBOARD_PORT/"; }

start_dashboard() {
  local program
  program="$(dashboard_program)" || die "Aspire dashboard not restored; run ./platform up"
  start_background dashboard "$LOGS_DIR/dashboard.log" env \
    ASPNETCORE_URLS="http://127.0.0.1:$BOOKINGAWS_DASHBOARD_PORT" \
    ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$BOOKINGAWS_OTLP_GRPC_PORT" \
    ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL="http://127.0.0.1:$BOOKINGAWS_OTLP_HTTP_PORT" \
    ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true \
    "$program"
  wait_until "Aspire dashboard" "$LOGS_DIR/dashboard.log" "$LAST_PID" dashboard_healthy
}

stripe_healthy() { http_ok "http://127.0.0.1:$BOOKINGAWS_STRIPE_PORT/"; }

start_stripe() {
  start_background stripe "$LOGS_DIR/stripe.log" env ASPNETCORE_ENVIRONMENT=Development \
    dotnet "$STRIPE_DLL" --urls "http://127.0.0.1:$BOOKINGAWS_STRIPE_PORT"
  wait_until "Stripe emulator" "$LOGS_DIR/stripe.log" "$LAST_PID" stripe_healthy
}

cognito_healthy() { http_ok "http://127.0.0.1:$BOOKINGAWS_COGNITO_PORT/health"; }

# cognito-local keeps its pools and users as JSON files under .cognito/ in its working directory.
start_cognito() {
  mkdir -p "$COGNITO_DIR"
  # shellcheck disable=SC2016 # $1 and $2 expand in the inner shell
  start_background cognito "$LOGS_DIR/cognito.log" env PORT="$BOOKINGAWS_COGNITO_PORT" HOST=127.0.0.1 \
    bash -c 'cd "$1" && exec node "$2"' _ "$COGNITO_DIR" "$TOOLS_DIR/node_modules/cognito-local/lib/bin/start.js"
  wait_until "Cognito (cognito-local)" "$LOGS_DIR/cognito.log" "$LAST_PID" cognito_healthy
}

# The pool and the dashboard/portal clients, reused by name; their ids go into .platform/env.
setup_cognito_pool() {
  mkdir -p "$COGNITO_DIR"
  node "$TOOLS_DIR/cognito-setup.mjs" "http://127.0.0.1:$BOOKINGAWS_COGNITO_PORT" >"$COGNITO_ENV.tmp" 2>"$LOGS_DIR/cognito-setup.log" ||
    { show_log_tail "$LOGS_DIR/cognito-setup.log"; die "setting up the cognito-local user pool failed; see $LOGS_DIR/cognito-setup.log"; }
  mv "$COGNITO_ENV.tmp" "$COGNITO_ENV"
  write_env_file
  sed 's/^/    /' "$COGNITO_ENV"
}

# Hook: the Stripe emulator is its own project; skipped until it exists.
ensure_stripe_emulator_if_present() {
  if [[ ! -f "$STRIPE_PROJECT" ]]; then
    info "    skipped: ${STRIPE_PROJECT#"$ROOT/"} does not exist"
    return 0
  fi
  if ! recorded_pid stripe "$(pattern_for stripe)" >/dev/null && ! port_open "$BOOKINGAWS_STRIPE_PORT"; then
    dotnet build "$STRIPE_PROJECT" -c Debug -nologo -v q >"$LOGS_DIR/stripe-build.log" 2>&1 ||
      { show_log_tail "$LOGS_DIR/stripe-build.log"; die "building the Stripe emulator failed; see $LOGS_DIR/stripe-build.log"; }
  fi
  ensure_service stripe "$BOOKINGAWS_STRIPE_PORT" stripe_healthy start_stripe
}

start_services() {
  resolve_pg_root
  prepare_pg_root
  step "PostgreSQL primary on port $BOOKINGAWS_PG_PORT" \
    ensure_service pg-primary "$BOOKINGAWS_PG_PORT" pg_primary_healthy start_pg_primary
  step "PostgreSQL streaming replica on port $BOOKINGAWS_PG_REPLICA_PORT" \
    ensure_service pg-replica "$BOOKINGAWS_PG_REPLICA_PORT" pg_replica_healthy start_pg_replica
  step "Redis on port $BOOKINGAWS_REDIS_PORT" \
    ensure_service redis "$BOOKINGAWS_REDIS_PORT" redis_healthy start_redis
  step "SQS server (fauxqs) on port $BOOKINGAWS_SQS_PORT" \
    ensure_service sqs "$BOOKINGAWS_SQS_PORT" sqs_healthy start_sqs
  step "SQS queues and dead-letter queues" create_queues
  step "SES server (aws-ses-v2-local) on port $BOOKINGAWS_SES_PORT" \
    ensure_service ses "$BOOKINGAWS_SES_PORT" ses_healthy start_ses
  step "Cognito (cognito-local) on port $BOOKINGAWS_COGNITO_PORT" \
    ensure_service cognito "$BOOKINGAWS_COGNITO_PORT" cognito_healthy start_cognito
  step "Cognito user pool and app clients" setup_cognito_pool
  step "Aspire dashboard on port $BOOKINGAWS_DASHBOARD_PORT" \
    ensure_service dashboard "$BOOKINGAWS_DASHBOARD_PORT" dashboard_healthy start_dashboard
  step "Stripe emulator on port $BOOKINGAWS_STRIPE_PORT (if present)" ensure_stripe_emulator_if_present
}

# ---------------------------------------------------------------------------------------------
# The apps
# ---------------------------------------------------------------------------------------------
api_healthy() { curl -sf -m 3 -o /dev/null "http://127.0.0.1:$BOOKINGAWS_API_PORT/health/ready"; }

start_api() {
  start_background api "$LOGS_DIR/api.log" env ASPNETCORE_ENVIRONMENT=Development \
    dotnet "$API_DLL" --urls "http://127.0.0.1:$BOOKINGAWS_API_PORT" --contentRoot "$(dirname "$API_DLL")"
  wait_until "API" "$LOGS_DIR/api.log" "$LAST_PID" api_healthy
}

ensure_workers() {
  local pid
  if pid="$(recorded_pid workers "$(pattern_for workers)")"; then
    info "    workers already running (pid $pid)"
    return 0
  fi
  start_workers
  STARTED+=(workers)
  info "    started workers (pid $LAST_PID)"
}

start_workers() {
  # Appends: a restarted worker's log follows the one that died.
  setsid env DOTNET_ENVIRONMENT=Development dotnet "$WORKERS_DLL" --contentRoot "$(dirname "$WORKERS_DLL")" </dev/null >>"$LOGS_DIR/workers.log" 2>&1 &
  LAST_PID=$!
  disown "$LAST_PID" 2>/dev/null || true
  record_pid workers "$LAST_PID"
  # The workers listen on no port: give them a moment and check they did not exit at start-up.
  local deadline=$((SECONDS + 3))
  while ((SECONDS < deadline)); do
    alive "$LAST_PID" || { show_log_tail "$LOGS_DIR/workers.log"; die "workers exited during start-up; see $LOGS_DIR/workers.log"; }
    sleep 0.2
  done
}

portal_healthy() { http_ok "http://127.0.0.1:$BOOKINGAWS_PORTAL_PORT/"; }

# npm ci in portal/ when its lock file changed since the last install.
ensure_portal_packages() {
  local stamp="$PORTAL_DIR/node_modules/.bookingaws-lock.sha256" want
  want="$(sha256sum "$PORTAL_DIR/package-lock.json" | cut -d' ' -f1)"
  [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && return 0
  (cd "$PORTAL_DIR" && npm ci --no-audit --no-fund --loglevel=error) >"$LOGS_DIR/portal-npm.log" 2>&1 ||
    { show_log_tail "$LOGS_DIR/portal-npm.log"; die "npm ci in portal/ failed; see $LOGS_DIR/portal-npm.log"; }
  printf '%s\n' "$want" >"$stamp"
}

# The production build the browser tests load (portal/dist), as CI and CloudFront would serve it.
build_portal() {
  ensure_portal_packages
  (cd "$PORTAL_DIR" && npm run build) >"$LOGS_DIR/portal-build.log" 2>&1 ||
    { show_log_tail "$LOGS_DIR/portal-build.log"; die "portal build failed; see $LOGS_DIR/portal-build.log"; }
}

# Debian's Chromium for the Playwright tests (Playwright's own browser download needs the internet).
# Without one (not root, no apt, no chromium package) the browser tests are skipped, loudly, and counted
# as skipped; everything else still runs. BOOKINGAWS_CHROMIUM points at another Chromium binary.
BROWSER_OK=0
ensure_browser() {
  local browser="${BOOKINGAWS_CHROMIUM:-/usr/bin/chromium}"
  if [[ ! -x "$browser" && -z "${BOOKINGAWS_CHROMIUM:-}" && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    { DEBIAN_FRONTEND=noninteractive apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; } >"$LOGS_DIR/apt-chromium.log" 2>&1 ||
      warn "could not install Chromium; see $LOGS_DIR/apt-chromium.log"
  fi
  if [[ -x "$browser" ]]; then
    BROWSER_OK=1
  else
    warn "no Chromium at $browser: the browser tests (tests/E2E.Tests) will be SKIPPED; install chromium or set BOOKINGAWS_CHROMIUM"
  fi
}

start_portal() {
  ensure_portal_packages
  # shellcheck disable=SC2016 # $1 and $2 expand in the inner shell
  start_background portal "$LOGS_DIR/portal.log" bash -c 'cd "$1" && exec npm run dev -- --host 127.0.0.1 --port "$2" --strictPort' \
    _ "$PORTAL_DIR" "$BOOKINGAWS_PORTAL_PORT"
  wait_until "portal" "$LOGS_DIR/portal.log" "$LAST_PID" portal_healthy
}

# Hook: the portal is served with its own `npm run dev` once portal/package.json exists.
serve_portal_if_present() {
  if [[ ! -f "$PORTAL_DIR/package.json" ]]; then
    info "    skipped: portal/package.json does not exist"
    return 0
  fi
  ensure_service portal "$BOOKINGAWS_PORTAL_PORT" portal_healthy start_portal
}

# The business dashboard (dashboard/): the same stack as the portal, served by its own `npm run dev` under
# /dashboard/ (as CloudFront serves it), proxying /api and /hubs to the API like the portal.
business_healthy() { http_ok "http://127.0.0.1:$BOOKINGAWS_BUSINESS_PORT/dashboard/"; }

ensure_business_packages() {
  local stamp="$BUSINESS_DIR/node_modules/.bookingaws-lock.sha256" want
  want="$(sha256sum "$BUSINESS_DIR/package-lock.json" | cut -d' ' -f1)"
  [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && return 0
  (cd "$BUSINESS_DIR" && npm ci --no-audit --no-fund --loglevel=error) >"$LOGS_DIR/business-npm.log" 2>&1 ||
    { show_log_tail "$LOGS_DIR/business-npm.log"; die "npm ci in dashboard/ failed; see $LOGS_DIR/business-npm.log"; }
  printf '%s\n' "$want" >"$stamp"
}

# The production build (dashboard/dist) the browser tests load from the API, as CloudFront would serve it.
build_business() {
  ensure_business_packages
  (cd "$BUSINESS_DIR" && npm run build) >"$LOGS_DIR/business-build.log" 2>&1 ||
    { show_log_tail "$LOGS_DIR/business-build.log"; die "dashboard build failed; see $LOGS_DIR/business-build.log"; }
}

start_business() {
  ensure_business_packages
  # shellcheck disable=SC2016 # $1 and $2 expand in the inner shell
  start_background business "$LOGS_DIR/business.log" bash -c 'cd "$1" && exec npm run dev -- --host 127.0.0.1 --port "$2" --strictPort' \
    _ "$BUSINESS_DIR" "$BOOKINGAWS_BUSINESS_PORT"
  wait_until "business dashboard" "$LOGS_DIR/business.log" "$LAST_PID" business_healthy
}

serve_business_if_present() {
  if [[ ! -f "$BUSINESS_DIR/package.json" ]]; then
    info "    skipped: dashboard/package.json does not exist"
    return 0
  fi
  ensure_service business "$BOOKINGAWS_BUSINESS_PORT" business_healthy start_business
}

# ---------------------------------------------------------------------------------------------
# The local fleet (`./platform up --fleet`): HAProxy in the ALB's place on the API port, in front of
# two API instances; two workers; and connection strings that name both database hosts, as Aurora's
# cluster and reader endpoints would, so a promoted replica takes the writes with no restart.
# ---------------------------------------------------------------------------------------------
FLEET_SIZE=2
HAPROXY_CFG="$PLATFORM_DIR/haproxy.cfg"

api_instance_port() { printf '%s' $((BOOKINGAWS_API_PORT + $1)); }

# Both hosts; Npgsql connects to whichever accepts writes (after a failover, the former replica).
fleet_primary_connection() {
  # shellcheck disable=SC2154 # exported by the env file write_env_file sources
  printf '%s;Target Session Attributes=read-write;Host Recheck Seconds=2' \
    "${ConnectionStrings__Primary/Host=127.0.0.1;Port=$BOOKINGAWS_PG_PORT;/Host=127.0.0.1:$BOOKINGAWS_PG_PORT,127.0.0.1:$BOOKINGAWS_PG_REPLICA_PORT;}"
}

ensure_haproxy() {
  command -v haproxy >/dev/null && return 0
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
    die "haproxy is not installed; install the Debian package haproxy"
  fi
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends haproxy ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends haproxy; }; } >"$LOGS_DIR/apt-haproxy.log" 2>&1 ||
    { show_log_tail "$LOGS_DIR/apt-haproxy.log"; die "installing haproxy failed; see $LOGS_DIR/apt-haproxy.log"; }
}

# The ALB's behaviour: health checks on /health/ready (2 s apart, 2 to fail, 2 to recover), WebSocket
# upgrades held open, a request whose connection was refused sent to the other instance (nothing of it
# reached the dead one), and X-Forwarded-For added for the API's trusted-proxy rule.
write_haproxy_config() {
  local n servers=""
  for ((n = 1; n <= FLEET_SIZE; n++)); do
    servers+="  server api-$n 127.0.0.1:$(api_instance_port "$n") check"$'\n'
  done
  cat >"$HAPROXY_CFG" <<EOF
# Written by ./platform up --fleet; do not edit.
global
  log stdout format raw local0
  stats socket $PLATFORM_DIR/haproxy.sock mode 600 level admin

defaults
  mode http
  log global
  option httplog
  option forwardfor
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
  retries 2
  option redispatch
  retry-on conn-failure empty-response

frontend api
  bind 127.0.0.1:$BOOKINGAWS_API_PORT
  default_backend api

backend api
  balance roundrobin
  option httpchk GET /health/ready
  http-check expect status 200
  default-server inter 2s fall 2 rise 2
$servers
EOF
}

haproxy_healthy() { api_healthy; }

start_haproxy() {
  write_haproxy_config
  haproxy -c -f "$HAPROXY_CFG" >"$LOGS_DIR/haproxy-check.log" 2>&1 ||
    { show_log_tail "$LOGS_DIR/haproxy-check.log"; die "the generated HAProxy config is invalid; see $LOGS_DIR/haproxy-check.log"; }
  start_background haproxy "$LOGS_DIR/haproxy.log" haproxy -db -f "$HAPROXY_CFG"
  wait_until "HAProxy" "$LOGS_DIR/haproxy.log" "$LAST_PID" haproxy_healthy
}

API_CHECK_PORT=""
api_instance_healthy() { curl -sf -m 3 -o /dev/null "http://127.0.0.1:$API_CHECK_PORT/health/ready"; }

start_api_instance() { # N
  local n="$1"
  API_CHECK_PORT="$(api_instance_port "$n")"
  start_background "api-$n" "$LOGS_DIR/api-$n.log" env ASPNETCORE_ENVIRONMENT=Development \
    ConnectionStrings__Primary="$(fleet_primary_connection)" ReverseProxy__KnownNetworks__0=127.0.0.1/32 \
    dotnet "$API_DLL" --urls "http://127.0.0.1:$API_CHECK_PORT" --contentRoot "$(dirname "$API_DLL")"
  wait_until "API instance $n" "$LOGS_DIR/api-$n.log" "$LAST_PID" api_instance_healthy
}

start_worker_instance() { # N
  local n="$1"
  setsid env DOTNET_ENVIRONMENT=Development ConnectionStrings__Primary="$(fleet_primary_connection)" \
    dotnet "$WORKERS_DLL" --contentRoot "$(dirname "$WORKERS_DLL")" </dev/null >>"$LOGS_DIR/workers-$n.log" 2>&1 &
  LAST_PID=$!
  # Supervised by pid file, not as a job: its death is the supervisor's to report, not the shell's.
  disown "$LAST_PID" 2>/dev/null || true
  record_pid "workers-$n" "$LAST_PID"
  local deadline=$((SECONDS + 3))
  while ((SECONDS < deadline)); do
    alive "$LAST_PID" || { show_log_tail "$LOGS_DIR/workers-$n.log"; die "worker $n exited during start-up; see $LOGS_DIR/workers-$n.log"; }
    sleep 0.2
  done
}

ensure_fleet_member() { # NAME START_FN ARG
  local name="$1" pid
  if pid="$(recorded_pid "$name" "$(pattern_for "$name")")"; then
    info "    $name already running (pid $pid)"
    return 0
  fi
  "$2" "$3"
  STARTED+=("$name")
  info "    started $name (pid $LAST_PID)"
}

# The fleet in start order: instances first, so HAProxy's first health checks find them.
start_fleet() {
  local n
  for ((n = 1; n <= FLEET_SIZE; n++)); do
    step "API instance $n on port $(api_instance_port "$n")" ensure_fleet_member "api-$n" start_api_instance "$n"
  done
  step "HAProxy (the ALB) on port $BOOKINGAWS_API_PORT" ensure_service haproxy "$BOOKINGAWS_API_PORT" haproxy_healthy start_haproxy
  for ((n = 1; n <= FLEET_SIZE; n++)); do
    step "worker $n" ensure_fleet_member "workers-$n" start_worker_instance "$n"
  done
}

# ---------------------------------------------------------------------------------------------
# Supervision (`./platform up` keeps what it started running)
# ---------------------------------------------------------------------------------------------
# How to start a supervised service again. PostgreSQL is left out on purpose: a dead primary is a
# failover drill (promote the replica), and restarting it behind the drill's back would make two primaries.
restart_fn_for() {
  case "$1" in
  api) echo start_api ;;
  workers) echo start_workers ;;
  portal) echo start_portal ;;
  business) echo start_business ;;
  redis) echo start_redis ;;
  sqs) echo start_sqs ;;
  ses) echo start_ses ;;
  cognito) echo start_cognito ;;
  dashboard) echo start_dashboard ;;
  stripe) echo start_stripe ;;
  haproxy) echo start_haproxy ;;
  api-[0-9]*) echo "start_api_instance ${1#api-}" ;;
  workers-[0-9]*) echo "start_worker_instance ${1#workers-}" ;;
  *) return 1 ;;
  esac
}

declare -A RESTARTS=() RETRY_AT=()

supervisor_log() {
  local line
  line="$(date -u +%FT%TZ) $*"
  info "$line"
  printf '%s\n' "$line" >>"$LOGS_DIR/supervisor.log"
}

# One pass over what this run started: a service whose process is gone is started again (in a
# subshell, so a failed start is retried later with back-off instead of stopping everything).
# A missing pid file means `./platform down` stopped it: returns 1 so the caller stops the rest.
supervise_once() {
  local name fn pid attempt delay
  local -a start
  for name in "${STARTED[@]}"; do
    fn="$(restart_fn_for "$name")" || continue
    read -ra start <<<"$fn"
    [[ -f "$(pid_file "$name")" ]] || { info "$name was stopped (./platform down); stopping the rest of what this command started"; return 1; }
    pid="$(head -n 1 "$(pid_file "$name")" 2>/dev/null | tr -dc '0-9')"
    [[ -n "$pid" ]] && alive "$pid" && continue
    ((SECONDS >= ${RETRY_AT[$name]:-0})) || continue
    attempt=$((${RESTARTS[$name]:-0} + 1))
    RESTARTS[$name]=$attempt
    supervisor_log "$name (pid ${pid:-?}) exited; restarting it (restart $attempt); last lines of its log:"
    tail -n 3 "$LOGS_DIR/$name.log" 2>/dev/null | cut -c1-200 | sed 's/^/    /' | tee -a "$LOGS_DIR/supervisor.log" || true
    if ("${start[@]}") >>"$LOGS_DIR/supervisor.log" 2>&1; then
      RETRY_AT[$name]=0
      supervisor_log "$name restarted (pid $(head -n 1 "$(pid_file "$name")" 2>/dev/null))"
    else
      delay=$((attempt < 6 ? 1 << attempt : 60))
      RETRY_AT[$name]=$((SECONDS + delay))
      supervisor_log "$name did not come back; next try in ${delay}s (see $LOGS_DIR/$name.log)"
    fi
  done
}

# ---------------------------------------------------------------------------------------------
# Stopping
# ---------------------------------------------------------------------------------------------
# What a recorded pid's command line must contain to still be ours: full paths where the program
# lives in this checkout, so a reused pid of another checkout's service never matches.
pattern_for() {
  case "$1" in
  pg-primary) echo "-D $PG_PRIMARY_DIR" ;;
  pg-replica) echo "-D $PG_REPLICA_DIR" ;;
  redis) echo "redis-server 127.0.0.1:" ;;
  sqs) echo "$TOOLS_DIR/sqs-server.mjs" ;;
  ses) echo "$TOOLS_DIR/node_modules/aws-ses-v2-local" ;;
  cognito) echo "$TOOLS_DIR/node_modules/cognito-local" ;;
  dashboard) echo "tools/Aspire.Dashboard" ;;
  stripe) echo "$STRIPE_DLL" ;;
  api) echo "$API_DLL" ;;
  workers | workers-[0-9]*) echo "$WORKERS_DLL" ;;
  api-[0-9]*) echo "$API_DLL --urls http://127.0.0.1:$(api_instance_port "${1#api-}")" ;;
  haproxy) echo "$HAPROXY_CFG" ;;
  portal) echo "npm run dev" ;;
  # npm rewrites its process title without the "--".
  business) echo "npm run dev --host 127.0.0.1 --port $BOOKINGAWS_BUSINESS_PORT " ;;
  *) echo "$1" ;;
  esac
}

stop_service() {
  local name="$1" pid
  case "$name" in
  pg-primary) stop_postgres pg-primary "$PG_PRIMARY_DIR" ;;
  pg-replica) stop_postgres pg-replica "$PG_REPLICA_DIR" ;;
  *)
    pid="$(recorded_pid "$name" "$(pattern_for "$name")")" || pid=""
    rm -f "$(pid_file "$name")"
    [[ -z "$pid" ]] || stop_pid "$name" "$pid"
    ;;
  esac
}

# Stops the services this invocation started, newest first.
stop_started() {
  local i name
  ((${#STARTED[@]} > 0)) || return 0
  resolve_pg_root
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    name="${STARTED[$i]}"
    info "    stopping $name"
    stop_service "$name"
  done
  STARTED=()
}
