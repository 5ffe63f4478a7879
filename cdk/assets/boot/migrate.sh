#!/usr/bin/env bash
# The release's migration step, run by boot.sh before the API service is enabled, so a new instance never
# takes traffic before the schema is current. The API's `migrate` command takes a PostgreSQL advisory lock:
# of several instances booting together one applies the migrations and the others wait, then find none.
#
# Usage: migrate.sh <service> <path of the service executable>
# Renders the environment with the migration (master) credential, runs `<executable> migrate` from the
# bundle folder as the service user, and removes that credential again whatever the outcome.
# BOOKINGAWS_ETC as for render-env; BOOKINGAWS_RUN_AS (default bookingaws; empty: the current user).
set -euo pipefail

[[ $# -eq 2 ]] || { echo "usage: migrate.sh <service> <executable>" >&2; exit 2; }
service=$1
executable=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
etc=${BOOKINGAWS_ETC:-/etc/bookingaws}
run_as=${BOOKINGAWS_RUN_AS-bookingaws}

trap 'rm -f "$etc/$service.migrate.env"' EXIT
# bash, not the exec bit: the asset zip need not keep file modes.
bash "$here/render-env" "$service" --migration

(
  set -a
  # shellcheck source=/dev/null
  . "$etc/$service.env"
  # shellcheck source=/dev/null
  . "$etc/$service.migrate.env"
  set +a
  # The content root (appsettings.json) is the working directory, as in the unit.
  cd "$(dirname "$executable")"
  if [[ -n $run_as ]]; then
    runuser -u "$run_as" -- "$executable" migrate
  else
    "$executable" migrate
  fi
)
