#!/usr/bin/env bash
# Exercises the supervision of `./platform up` (tools/local/lib/services.sh, supervise_once) with a
# stand-in service: killed with -9 it is started again and logged; a start that fails is retried after
# a back-off instead of stopping anything; a removed pid file (`./platform down`) ends supervision.
# Prints "supervisor: N checks, F failed"; exits non-zero when a check failed.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
ROOT="$(mktemp -d)"
# shellcheck source=tools/local/lib/common.sh
source "$REPO/tools/local/lib/common.sh"
# shellcheck source=tools/local/lib/services.sh
source "$REPO/tools/local/lib/services.sh"
mkdir -p "$PIDS_DIR" "$LOGS_DIR"

cleanup() {
  local pid
  pid="$(head -n 1 "$(pid_file fake)" 2>/dev/null | tr -dc '0-9')" || true
  [[ -z "$pid" ]] || kill -KILL "$pid" 2>/dev/null || true
  rm -rf "$ROOT"
}
trap cleanup EXIT

checks=0 failed=0
check() { # <description> <command...>
  local what="$1"
  shift
  checks=$((checks + 1))
  if "$@"; then
    printf 'ok   %s\n' "$what"
  else
    failed=$((failed + 1))
    printf 'FAIL %s\n' "$what"
  fi
}

# The stand-in: a process that runs until killed; a marker file makes its next start fail.
start_fake() {
  if [[ -f "$ROOT/fail-next-start" ]]; then
    rm -f "$ROOT/fail-next-start"
    echo "fake: refusing to start" >&2
    return 1
  fi
  start_background fake "$LOGS_DIR/fake.log" sleep 600
}
restart_fn_for() { [[ $1 == fake ]] && echo start_fake; }

fake_pid() { head -n 1 "$(pid_file fake)" 2>/dev/null | tr -dc '0-9'; }
kill_fake() {
  local pid="$1"
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  while alive "$pid"; do sleep 0.05; done
}
logged() { grep -qF -- "$1" "$LOGS_DIR/supervisor.log"; }
quiet_supervise() { supervise_once >/dev/null; }

start_fake
STARTED=(fake)
first="$(fake_pid)"

kill_fake "$first"
check "a killed service is noticed and supervision goes on" quiet_supervise
second="$(fake_pid)"
check "it runs again under a new pid" test -n "$second" -a "$second" != "$first"
check "and is alive" alive "$second"
check "the restart is logged with the pid that died" logged "fake (pid $first) exited; restarting it (restart 1)"
check "and the pid that replaced it" logged "fake restarted (pid $second)"

touch "$ROOT/fail-next-start"
kill_fake "$second"
check "a start that fails does not end supervision" quiet_supervise
check "it is logged with the back-off" logged "fake did not come back; next try in 4s"
supervise_once >/dev/null
check "within the back-off no new attempt is made" test "${RESTARTS[fake]}" -eq 2
RETRY_AT[fake]=0
supervise_once >/dev/null
third="$(fake_pid)"
check "after the back-off it is started again" alive "$third"
check "as restart 3" logged "restarting it (restart 3)"

rm -f "$(pid_file fake)"
ended=no
supervise_once >/dev/null || ended=yes
check "a removed pid file (./platform down) ends supervision" test "$ended" = yes
kill -KILL "$third" 2>/dev/null || true

printf 'supervisor: %d checks, %d failed\n' "$checks" "$failed"
((failed == 0))
