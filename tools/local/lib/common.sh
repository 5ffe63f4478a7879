# shellcheck shell=bash disable=SC2034  # variables here are used by the files that source this one
# Shared helpers for ./platform: settings, logging with timings, readiness waits, pid files.
# Sourced by ./platform (bash, set -euo pipefail); defines functions and variables only.

# ---------------------------------------------------------------------------------------------
# Settings. Every port can be overridden from the environment; .platform/env is rewritten from
# these on each run so apps and test fixtures see the same values.
# ---------------------------------------------------------------------------------------------
BOOKINGAWS_PG_PORT="${BOOKINGAWS_PG_PORT:-55432}"
BOOKINGAWS_PG_REPLICA_PORT="${BOOKINGAWS_PG_REPLICA_PORT:-55433}"
BOOKINGAWS_REDIS_PORT="${BOOKINGAWS_REDIS_PORT:-56379}"
BOOKINGAWS_SQS_PORT="${BOOKINGAWS_SQS_PORT:-59324}"
BOOKINGAWS_SES_PORT="${BOOKINGAWS_SES_PORT:-58005}"
BOOKINGAWS_STRIPE_PORT="${BOOKINGAWS_STRIPE_PORT:-58012}"
BOOKINGAWS_COGNITO_PORT="${BOOKINGAWS_COGNITO_PORT:-59229}"
BOOKINGAWS_DASHBOARD_PORT="${BOOKINGAWS_DASHBOARD_PORT:-18888}"
BOOKINGAWS_OTLP_GRPC_PORT="${BOOKINGAWS_OTLP_GRPC_PORT:-18889}"
BOOKINGAWS_OTLP_HTTP_PORT="${BOOKINGAWS_OTLP_HTTP_PORT:-18890}"
BOOKINGAWS_API_PORT="${BOOKINGAWS_API_PORT:-5080}"
BOOKINGAWS_PORTAL_PORT="${BOOKINGAWS_PORTAL_PORT:-5173}"
# The business dashboard (dashboard/); BOOKINGAWS_DASHBOARD_PORT is the Aspire telemetry dashboard.
BOOKINGAWS_BUSINESS_PORT="${BOOKINGAWS_BUSINESS_PORT:-5174}"
# Empty: each queue's own receive count from MessageTopology (tools/local/queues.json).
BOOKINGAWS_SQS_MAX_RECEIVE_COUNT="${BOOKINGAWS_SQS_MAX_RECEIVE_COUNT:-}"
BOOKINGAWS_PG_BIN="${BOOKINGAWS_PG_BIN:-/usr/lib/postgresql/15/bin}"
# Seconds to wait for one service to become ready before giving up.
BOOKINGAWS_START_TIMEOUT="${BOOKINGAWS_START_TIMEOUT:-60}"

PLATFORM_DIR="$ROOT/.platform"
PIDS_DIR="$PLATFORM_DIR/pids"
LOGS_DIR="$PLATFORM_DIR/logs"
ENV_FILE="$PLATFORM_DIR/env"
COGNITO_DIR="$PLATFORM_DIR/cognito"
COGNITO_ENV="$COGNITO_DIR/settings.env"
TOOLS_DIR="$ROOT/tools/local"
API_DLL="$ROOT/src/Api/bin/Debug/net10.0/BookingAws.Api.dll"
WORKERS_DLL="$ROOT/src/Workers/bin/Debug/net10.0/BookingAws.Workers.dll"
STRIPE_PROJECT="$ROOT/tests/StripeEmulator/BookingAws.StripeEmulator.csproj"
STRIPE_DLL="$ROOT/tests/StripeEmulator/bin/Debug/net10.0/BookingAws.StripeEmulator.dll"
PORTAL_DIR="$ROOT/portal"
BUSINESS_DIR="$ROOT/dashboard"

# Names of the services this invocation started, in start order; the exit trap of `up` and
# `test` stops exactly these (and nothing that was already running).
STARTED=()

# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------
info() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
elapsed_since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1fs", e - s }'; }

# step "description" command args...: prints what it does and how long it took.
step() {
  local title="$1"
  shift
  local started
  started="$(now)"
  info "==> $title"
  "$@"
  info "    done in $(elapsed_since "$started"): $title"
}

# ---------------------------------------------------------------------------------------------
# Readiness checks
# ---------------------------------------------------------------------------------------------
port_open() {
  # shellcheck disable=SC2016 # $1 expands in the inner shell
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# http_ok URL: true when the server answers with a status below 500.
http_ok() {
  local code
  code="$(curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" 2>/dev/null)" || true
  [[ "$code" =~ ^[1-4][0-9][0-9]$ ]]
}

# wait_until DESCRIPTION LOGFILE PID COMMAND...: polls COMMAND until it succeeds or the deadline
# passes; stops early if PID (when not empty) has exited.
wait_until() {
  local what="$1" log="$2" pid="$3"
  shift 3
  local deadline=$((SECONDS + BOOKINGAWS_START_TIMEOUT))
  until "$@"; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      show_log_tail "$log"
      die "$what exited during start-up; see $log"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail "$log"
      die "$what was not ready after ${BOOKINGAWS_START_TIMEOUT}s; see $log"
    fi
    sleep 0.2
  done
}

show_log_tail() {
  if [[ -f "$1" ]]; then
    printf -- '--- last lines of %s ---\n' "$1" >&2
    tail -n 20 "$1" >&2 || true
    printf -- '---\n' >&2
  fi
}

# ---------------------------------------------------------------------------------------------
# Pid files. A pid file holds the pid of a process this script started; it only counts while
# that pid is alive and its command line still names the expected program (guards against a
# reused pid).
# ---------------------------------------------------------------------------------------------
pid_file() { printf '%s/%s.pid' "$PIDS_DIR" "$1"; }

# recorded_pid NAME PATTERN: prints the live pid recorded for NAME, or fails.
recorded_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(head -n 1 "$file" 2>/dev/null | tr -dc '0-9')"
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2" || return 1
  printf '%s' "$pid"
}

record_pid() { printf '%s\n' "$2" >"$(pid_file "$1")"; }

# start_background NAME LOGFILE COMMAND...: runs COMMAND in its own session (so a Ctrl-C in the
# terminal reaches only this script, which then stops it by pid) with output in LOGFILE.
start_background() {
  local name="$1" log="$2"
  shift 2
  : >"$log"
  setsid "$@" </dev/null >>"$log" 2>&1 &
  LAST_PID=$!
  # Supervised by pid file, not as a job: its death is the supervisor's to report, not the shell's.
  disown "$LAST_PID" 2>/dev/null || true
  record_pid "$name" "$LAST_PID"
}

# stop_pid NAME PID: TERM the process group led by PID (setsid made the pid its group id), wait,
# then KILL whatever is left.
stop_pid() {
  local name="$1" pid="$2" deadline
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + 15))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$name (pid $pid) did not stop within 15s; killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
}

# ---------------------------------------------------------------------------------------------
# Environment shared by apps and tests
# ---------------------------------------------------------------------------------------------
write_env_file() {
  mkdir -p "$PLATFORM_DIR"
  # The API, workers and tests connect as the app's own role (created by `migrate`), held to row-level
  # security as in AWS; `migrate` and test fixtures that set up or inspect data use the owner. Not named
  # bookingaws_app: tools/rehearse drops and recreates that role with its own database.
  local cs="Host=127.0.0.1;Database=bookingaws;Username=bookingaws_app_local;Password=bookingaws_app_local"
  local owner="Host=127.0.0.1;Database=bookingaws;Username=bookingaws;Password=bookingaws"
  cat >"$ENV_FILE" <<EOF
# Written by ./platform on every run; do not edit (set the BOOKINGAWS_* variables instead).
export BOOKINGAWS_PG_PORT=$BOOKINGAWS_PG_PORT
export BOOKINGAWS_PG_REPLICA_PORT=$BOOKINGAWS_PG_REPLICA_PORT
export BOOKINGAWS_REDIS_PORT=$BOOKINGAWS_REDIS_PORT
export BOOKINGAWS_SQS_PORT=$BOOKINGAWS_SQS_PORT
export BOOKINGAWS_SES_PORT=$BOOKINGAWS_SES_PORT
export BOOKINGAWS_STRIPE_PORT=$BOOKINGAWS_STRIPE_PORT
export BOOKINGAWS_COGNITO_PORT=$BOOKINGAWS_COGNITO_PORT
export BOOKINGAWS_DASHBOARD_PORT=$BOOKINGAWS_DASHBOARD_PORT
export BOOKINGAWS_OTLP_GRPC_PORT=$BOOKINGAWS_OTLP_GRPC_PORT
export BOOKINGAWS_OTLP_HTTP_PORT=$BOOKINGAWS_OTLP_HTTP_PORT
export BOOKINGAWS_API_PORT=$BOOKINGAWS_API_PORT
export BOOKINGAWS_PORTAL_PORT=$BOOKINGAWS_PORTAL_PORT
export BOOKINGAWS_BUSINESS_PORT=$BOOKINGAWS_BUSINESS_PORT
export BOOKINGAWS_SQS_MAX_RECEIVE_COUNT=$BOOKINGAWS_SQS_MAX_RECEIVE_COUNT
export ConnectionStrings__Primary="${cs/Host=127.0.0.1;/Host=127.0.0.1;Port=$BOOKINGAWS_PG_PORT;}"
export ConnectionStrings__Replica="${cs/Host=127.0.0.1;/Host=127.0.0.1;Port=$BOOKINGAWS_PG_REPLICA_PORT;}"
export ConnectionStrings__Migrations="${owner/Host=127.0.0.1;/Host=127.0.0.1;Port=$BOOKINGAWS_PG_PORT;}"
export ConnectionStrings__Redis="127.0.0.1:$BOOKINGAWS_REDIS_PORT"
export Sqs__ServiceUrl="http://127.0.0.1:$BOOKINGAWS_SQS_PORT"
# BOOKINGAWS_SES_URL puts something between the app and SES (bench/faults.sh puts its fault proxy there).
export Ses__ServiceUrl="${BOOKINGAWS_SES_URL:-http://127.0.0.1:$BOOKINGAWS_SES_PORT}"
export Stripe__ApiBase="http://127.0.0.1:$BOOKINGAWS_STRIPE_PORT"
export OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$BOOKINGAWS_OTLP_GRPC_PORT"
export AWS_ACCESS_KEY_ID=local
export AWS_SECRET_ACCESS_KEY=local
export AWS_REGION=us-east-1
EOF
  # The user pool and app client ids cognito-local handed out, written when it starts (see services.sh).
  if [[ -f "$COGNITO_ENV" ]]; then
    sed 's/^/export /' "$COGNITO_ENV" >>"$ENV_FILE"
  fi
  # shellcheck source=/dev/null
  source "$ENV_FILE"
}
